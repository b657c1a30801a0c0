/**
 * Every benchmark in one run, at lab scale (issue #7): builds the dashboard if it is older than
 * its sources, seeds a fresh embedded sync API with 50 sources, 1,000,000 items and 10,000
 * errors, measures each page against the sync API calls behind it, 50 viewers at once, the
 * folder scan, a QCoDeS database's scan and export, new data in a watched folder, a Quantify
 * dataset replicated as it fills, previews of 1,000,000 points, uploads of a 1 GB file and of
 * 10,000 small files beside `cp`, `md5sum` and `sync`, the status's first paint beside
 * Syncthing's GUI, the lab overview over 20 agents, a Quantify source scanned while its
 * newest 300 MB dataset is written, the failure groups of 50,000 failed items, and the live log
 * stream; prints
 * one table and writes bench/results.json.
 *
 *   npm run bench     BENCH_ITEMS=100000 for a smaller lab, BENCH_SECONDS=30 for shorter runs
 *                     of the viewers and of the live fan-out (60 s each by default)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { startStack } from '../tests/e2e/stack';
import { measureLive } from './live';
import { measureLivePreview } from './live-preview';
import { labPages, measurePages, runs, type PageFigures } from './pages';
import { measureScan } from './scan-folderbase';
import { measureQcodes } from './scan-qcodes';
import { measureFailureGroups } from './failure-groups';
import { measureFirstPaint } from './first-paint';
import { measureLabOverview } from './lab-overview';
import { measureQuantifyLiveScan } from './quantify-live-scan';
import { measureUpload } from './upload';
import { measureWatchLatency } from './watch-latency';
import { labScale, seedLab } from './seed-lab';
import { describeMachine, machine, ms } from './stats';
import { measureViewers } from './viewers';

const root = path.resolve(import.meta.dirname, '..');
const items = Number(process.env.BENCH_ITEMS ?? labScale.items);
const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const QUERY = 'run_31415';
const targets = { p95_ms: 50, ratio: 1.5, js_gzip_kb: 60, overview_html_kb: 30 };

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

/** The targets a page misses, in words; empty when it meets them all. */
function misses(page: PageFigures): string[] {
	const missed: string[] = [];
	if (page.dashboard.p95 >= targets.p95_ms) missed.push(`p95 ≥ ${targets.p95_ms} ms`);
	if (page.ratio >= targets.ratio) missed.push(`ratio ≥ ${targets.ratio}`);
	if (kb(page.js_gzip_bytes) >= targets.js_gzip_kb) missed.push(`JS ≥ ${targets.js_gzip_kb} KB`);
	if (page.page === '/' && kb(page.html_sent_bytes) >= targets.overview_html_kb)
		missed.push(`HTML ≥ ${targets.overview_html_kb} KB`);
	return missed;
}

const started = performance.now();
buildIfNeeded();

console.log('Scanning 10,000 folder-base datasets…');
const scan = await measureScan(10_000);
console.log('Scanning a 10,000-run QCoDeS database, exporting a 1,000,000-point run…');
const qcodes = await measureQcodes(10_000, 1_000_000);
console.log('New datasets in a watched folder…');
const watch = await measureWatchLatency(40);
console.log('A Quantify dataset filling live; previews of 1,000,000 points…');
const livePreview = await measureLivePreview(60);
console.log('Uploads of a 1 GB file and of 10,000 small files, beside cp, md5sum and sync…');
const upload = await measureUpload(1024, 10_000);
console.log("The status's first paint, beside Syncthing's GUI…");
const firstPaint = await measureFirstPaint();
console.log('The lab overview over 20 agents of 50 sources, and with one agent hanging…');
const labOverview = await measureLabOverview();
console.log('A Quantify source while its newest 300 MB dataset is being written…');
const quantifyLive = await measureQuantifyLiveScan();
console.log('Failure groups of 50,000 failed items…');
const failureGroups = await measureFailureGroups();

const size = { ...labScale, items, bigSourceItems: Math.round(items * 0.9) };
console.log(`Seeding ${size.items} items, ${size.sources} sources, ${size.errors} errors…`);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-lab-'));
let pages: PageFigures[];
let viewers: Awaited<ReturnType<typeof measureViewers>>;
let seed: ReturnType<typeof seedLab>;
try {
	seed = seedLab(dataDir, size);
	console.log(`Seeded in ${seed.seconds.toFixed(0)} s (${seed.databaseMb.toFixed(0)} MB)`);
	const stack = await startStack({ QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '3600' });
	try {
		console.log('Measuring the pages…');
		const cases = await labPages(stack.syncApiUrl, { ...seed, query: QUERY });
		pages = await measurePages(stack, cases);
		console.log(`50 viewers for ${seconds} s…`);
		viewers = await measureViewers(stack.dashboardUrl, { seconds });
	} finally {
		await stack.close();
	}
} finally {
	fs.rmSync(dataDir, { recursive: true, force: true });
}
console.log(`Live log stream (fan-out for ${seconds} s)…`);
const live = await measureLive(seconds);

const rows: string[][] = pages.map((page) => [
	`${page.name}: \`${page.page.replace(/cursor=[^&]+/, 'cursor=…')}\``,
	`${ms(page.dashboard.p50)} / ${ms(page.dashboard.p95)}`,
	`${ms(page.direct.p50)} / ${ms(page.direct.p95)}`,
	page.ratio.toFixed(2),
	`${kb(page.html_sent_bytes)} (${kb(page.html_bytes)} unzipped)`,
	String(kb(page.js_gzip_bytes)),
	misses(page).join(', ') || 'all met'
]);
const none = '–';
rows.push(
	[
		`${viewers.clients} viewers × ${viewers.seconds} s on \`/\` and \`/sources\` (${viewers.requests} requests, ${viewers.failures} failed)`,
		`${ms(viewers.latency_ms.p50)} / ${ms(viewers.latency_ms.p95)}`,
		none,
		none,
		none,
		none,
		viewers.failures === 0 ? 'no failures' : `${viewers.failures} failures`
	],
	[
		`Live log: record written → event in an SSE client (${live.latency_ms.n} records)`,
		`${ms(live.latency_ms.p50)} / ${ms(live.latency_ms.p95)}`,
		none,
		none,
		none,
		none,
		live.latency_ms.p95 <= 50 ? 'p95 ≤ 50 ms met' : 'p95 ≤ 50 ms missed'
	],
	[
		`Live log: a request to the sync API → its record on the API log's stream (${live.request_latency_ms.n} requests)`,
		`${ms(live.request_latency_ms.p50)} / ${ms(live.request_latency_ms.p95)}`,
		none,
		none,
		none,
		none,
		live.request_latency_ms.p95 <= 50 ? 'p95 ≤ 50 ms met' : 'p95 ≤ 50 ms missed'
	],
	[
		`Live log: a request to the sync API → its record shown on \`/logs/api\` in Chromium (${live.browser_latency_ms.n} requests)`,
		`${ms(live.browser_latency_ms.p50)} / ${ms(live.browser_latency_ms.p95)}`,
		none,
		none,
		none,
		none,
		live.browser_latency_ms.p95 <= 50 ? 'p95 ≤ 50 ms met' : 'p95 ≤ 50 ms missed'
	],
	[
		`Live log: ${live.fan_out.clients} clients × ${live.fan_out.seconds} s at 50 records/s: every record exactly once; peak RSS; idle CPU`,
		`${live.fan_out.clients_with_every_record_once}/${live.fan_out.clients} clients; ${live.fan_out.peak_rss_mb.toFixed(0)} MB; ${live.fan_out.idle_cpu_percent.toFixed(1)} %`,
		none,
		none,
		none,
		none,
		live.fan_out.peak_rss_mb < 150 ? 'RSS < 150 MB met' : 'RSS ≥ 150 MB'
	],
	[
		'Live log: a client that stops reading is dropped after',
		live.stalled_client.dropped_after_s === null
			? 'NOT dropped'
			: `${live.stalled_client.dropped_after_s.toFixed(0)} s`,
		none,
		none,
		none,
		none,
		none
	],
	[
		`Scan of ${scan.datasets} folder-base datasets: first / no-change rescan, against \`find -name _QH_dataset_info.yaml\` (${scan.find_s.toFixed(2)} s)`,
		`${scan.first_scan_s.toFixed(2)} s / ${scan.rescan_s.toFixed(2)} s = ${scan.first_scan_vs_find.toFixed(1)}× / ${scan.rescan_vs_find.toFixed(1)}× find`,
		none,
		none,
		none,
		none,
		[
			scan.first_scan_vs_find <= 5 ? 'first ≤ 5× met' : 'first ≤ 5× missed',
			scan.rescan_vs_find <= 2 ? 'rescan ≤ 2× met' : 'rescan ≤ 2× missed'
		].join(', ')
	],
	[
		`Scan of a QCoDeS database of ${qcodes.runs} runs: first / no-change rescan (of it, the database query ${qcodes.backend_rescan_ms.toFixed(1)} ms)`,
		`${qcodes.first_scan_s.toFixed(2)} s / ${qcodes.rescan_ms.toFixed(1)} ms`,
		none,
		none,
		none,
		none,
		[
			qcodes.first_scan_s <= 5 ? 'first ≤ 5 s met' : 'first ≤ 5 s missed',
			qcodes.rescan_ms <= 50 ? 'rescan ≤ 50 ms met' : 'rescan ≤ 50 ms missed'
		].join(', ')
	],
	[
		`Export of a ${qcodes.points}-point QCoDeS run to HDF5, against the \`SELECT\` of its rows (${qcodes.select_s.toFixed(2)} s)`,
		`${qcodes.export_s.toFixed(2)} s = ${qcodes.export_vs_select.toFixed(1)}× the SELECT`,
		none,
		none,
		none,
		none,
		none
	],
	[
		`New dataset in a watched folder → synced (${watch.datasets} datasets; ${watch.settle_ms} ms of it is the settle period)`,
		`${ms(watch.latency_ms.p50)} / ${ms(watch.latency_ms.p95)}`,
		none,
		none,
		none,
		none,
		watch.latency_ms.p95 <= 1000 ? 'p95 ≤ 1 s met' : 'p95 ≤ 1 s missed'
	],
	[
		`Live Quantify dataset, a point every ${livePreview.live.interval_ms} ms (${livePreview.live.points}): written → in the store's copy`,
		`${ms(livePreview.live.lag_ms.p50)} / ${ms(livePreview.live.lag_ms.p95)}`,
		none,
		none,
		none,
		none,
		livePreview.live.lag_ms.p95 <= 1000 ? 'p95 ≤ 1 s met' : 'p95 ≤ 1 s missed'
	],
	[
		`Preview of ${livePreview.preview.line.points} points (line) / of a ${livePreview.preview.grid.points}-point grid: reduced by the sync API (JSON KB)`,
		`${ms(livePreview.preview.line.reduce_ms)} ms (${kb(livePreview.preview.line.json_bytes)} KB) / ${ms(livePreview.preview.grid.reduce_ms)} ms (${kb(livePreview.preview.grid.json_bytes)} KB)`,
		none,
		none,
		none,
		none,
		none
	],
	[
		"Item page drawing the 1,000,000-point line (its whole load), the preview's share of the HTML",
		`${ms(livePreview.preview.page.p50_ms)} / ${ms(livePreview.preview.page.p95_ms)}`,
		none,
		none,
		`${kb(livePreview.preview.page.preview_bytes)} of ${kb(livePreview.preview.page.html_bytes)}`,
		none,
		[
			livePreview.preview.page.preview_bytes < 100_000
				? 'preview < 100 KB met'
				: 'preview < 100 KB missed',
			livePreview.preview.page.p50_ms < 100 ? 'page < 100 ms met' : 'page < 100 ms missed'
		].join(', ')
	],
	[
		`Upload of one ${upload.big.mb} MB file (copy, md5, flush), against \`cp\` + \`md5sum\` + \`sync\` of it (${upload.big.tools_s.toFixed(2)} s); page cache ${upload.cache}`,
		`${upload.big.ours_s.toFixed(2)} s = ${upload.big.ratio.toFixed(2)}× the tools' speed`,
		none,
		none,
		none,
		none,
		upload.big.ratio >= 0.8 ? '≥ 0.8× met' : '≥ 0.8× missed'
	],
	[
		`First paint of the status on \`/\` in Chromium (${firstPaint.ours.requests} requests), against Syncthing ${firstPaint.syncthing.version}'s GUI showing its folder (${firstPaint.syncthing.ms.toFixed(0)} ms, ${firstPaint.syncthing.requests} requests); median of ${firstPaint.loads}`,
		`${firstPaint.ours.ms.toFixed(0)} ms = ${firstPaint.ratio.toFixed(2)}× Syncthing's; an empty page ${firstPaint.emptyPageMs.toFixed(0)} ms = ${(firstPaint.emptyPageMs / firstPaint.syncthing.ms).toFixed(2)}×`,
		none,
		none,
		none,
		none,
		firstPaint.ratio <= 0.1 ? '≤ 0.1× met' : '≤ 0.1× missed'
	],
	[
		`Lab overview \`/\`, ${labOverview.agents} agents × ${labOverview.sources_per_agent} sources (the dashboard's CPU ${ms(labOverview.dashboard_cpu_ms)} ms a page)`,
		`${ms(labOverview.overview.p50)} / ${ms(labOverview.overview.p95)}`,
		none,
		none,
		none,
		none,
		labOverview.overview.p95 < 100 ? 'p95 < 100 ms met' : 'p95 < 100 ms missed'
	],
	[
		`Lab overview with one agent hanging (its timeout ${labOverview.hanging.timeout_ms} ms)`,
		`${ms(labOverview.hanging.p50)} / ${ms(labOverview.hanging.p95)}`,
		none,
		none,
		none,
		none,
		labOverview.hanging.p95 <= labOverview.hanging.timeout_ms + 50
			? 'timeout + 50 ms met'
			: 'timeout + 50 ms missed'
	],
	[
		`Scan of a Quantify source (${quantifyLive.datasets} datasets) while its newest, ${quantifyLive.newest_mb.toFixed(0)} MB, is written / idle (the old live check alone: ${ms(quantifyLive.copy_and_read_ms)} ms)`,
		`${ms(quantifyLive.writing.p50)} / ${ms(quantifyLive.writing.p95)} (idle ${ms(quantifyLive.idle.p50)} / ${ms(quantifyLive.idle.p95)})`,
		none,
		none,
		none,
		none,
		quantifyLive.writing.p50 <= quantifyLive.idle.p50 * 1.5 + 2 ? 'as idle met' : 'as idle missed'
	],
	[
		`Failure groups of ${failureGroups.failed_items} failed items in ${failureGroups.groups} groups: the query / over HTTP`,
		`${ms(failureGroups.query.p50)} / ${ms(failureGroups.query.p95)} (HTTP ${ms(failureGroups.http.p50)} / ${ms(failureGroups.http.p95)})`,
		none,
		none,
		none,
		none,
		failureGroups.query.p95 < 10 ? 'p95 < 10 ms met' : 'p95 < 10 ms missed'
	],
	[
		`Upload of ${upload.small.files} files of 4 KB, against \`cp -r\` + \`sync\` (${upload.small.cp_s.toFixed(2)} s)`,
		`${upload.small.ours_s.toFixed(2)} s (${upload.small.files_per_s.toFixed(0)} files/s) = ${upload.small.ratio.toFixed(2)}× cp's speed`,
		none,
		none,
		none,
		none,
		none
	]
);
const header = [
	'Page or benchmark',
	'Dashboard p50 / p95 ms',
	'Sync API p50 / p95 ms',
	'Ratio (p50)',
	'HTML KB sent (unzipped)',
	'JS KB gz',
	'Targets'
];
const table = [header, header.map(() => '---'), ...rows]
	.map((cells) => `| ${cells.join(' | ')} |`)
	.join('\n');
const totalSeconds = (performance.now() - started) / 1000;
console.log(`\n${table}\n`);
console.log(
	`Lab: ${size.sources} sources, ${size.items} items (${size.bigSourceItems} in one), 5 % failed with ~20 KB sync records, ${size.errors} errors; seeded in ${seed.seconds.toFixed(0)} s. ${runs.requests} requests per figure after ${runs.warmUp} unmeasured. Viewers and live fan-out ran ${seconds} s each.`
);
console.log(`Machine: ${describeMachine()}. Whole run: ${totalSeconds.toFixed(0)} s.`);

fs.writeFileSync(
	path.join(root, 'bench', 'results.json'),
	`${JSON.stringify(
		{
			date: new Date().toISOString(),
			machine: machine(),
			run_seconds: Math.round(totalSeconds),
			targets,
			lab: { ...size, seed_seconds: seed.seconds, database_mb: seed.databaseMb, query: QUERY },
			pages,
			viewers,
			live,
			scan,
			qcodes,
			watch,
			live_preview: livePreview,
			upload,
			first_paint: firstPaint,
			lab_overview: labOverview,
			quantify_live_scan: quantifyLive,
			failure_groups: failureGroups
		},
		null,
		'\t'
	)}\n`
);
console.log('Wrote bench/results.json');

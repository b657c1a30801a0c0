/**
 * Live replication and previews (issue #16), through the embedded sync API and its agent
 * process:
 * - replication lag: a Quantify dataset rewritten in place with one more point every 200 ms,
 *   as Quantify does; for each point, the time from its write to the store's copy holding it
 *   (the copy read every 20 ms). Quantify's own live sync polls every 0.5 s: that is the floor.
 * - previews: the sync API's reduction of a 1,000,000-point line and of a 1000 × 1000 grid
 *   (time, bytes), and the item page that draws the line (time, bytes of its preview).
 * Prints the figures; not a test.
 *
 *   npm run bench:live-preview       (POINTS=60 for the number of live points)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readQuantifyDataset } from '../src/agent/backends/quantify/read-dataset';
import { previewOf } from '../src/agent/files/preview';
import { writeXarrayHdf5 } from '../src/agent/files/xarray-hdf5';
import { startStack } from '../tests/e2e/stack';
import { writeQuantifyDataset } from '../tests/quantify-live-writer';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { describeMachine, isMain, latency, percentile, sleep, type Latency } from './stats';

export interface LivePreviewFigures {
	live: { points: number; interval_ms: number; lag_ms: Latency & { max: number } };
	preview: {
		line: { points: number; reduce_ms: number; json_bytes: number };
		grid: { points: number; reduce_ms: number; json_bytes: number };
		page: { p50_ms: number; p95_ms: number; preview_bytes: number; html_bytes: number };
	};
}

const median = (values: number[]) => percentile(values, 50);

/** Runs `work` ten times after two unmeasured: the median time, and its last result. */
async function timed<T>(work: () => Promise<T>) {
	let result: T | undefined;
	const times: number[] = [];
	for (let i = 0; i < 12; i++) {
		const started = performance.now();
		result = await work();
		if (i >= 2) times.push(performance.now() - started);
	}
	return { ms: median(times), times, result: result! };
}

async function api<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
	const response = await fetch(url, {
		method,
		headers: body ? { 'content-type': 'application/json' } : {},
		body: body ? JSON.stringify(body) : undefined
	});
	if (!response.ok)
		throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

export async function measureLivePreview(points: number): Promise<LivePreviewFigures> {
	buildIfNeeded();
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-live-'));
	const stack = await startStack({ QH_CYCLE_SECONDS: '1' });
	try {
		const scope = (await api<{ uuid: string }[]>(`${stack.syncApiUrl}/api/v1/scopes`))[0]!.uuid;
		const create = (name: string, backend: string, config: Record<string, unknown>) =>
			api<{ id: number }>(`${stack.syncApiUrl}/api/v1/sources`, 'POST', {
				name,
				backend_identifier: backend,
				config_data: config,
				default_scope: scope
			});
		const items = (sourceId: number) =>
			api<{ items: { id: number; dataset_uuid: string; synchronized: boolean; live: boolean }[] }>(
				`${stack.syncApiUrl}/api/v1/sources/${sourceId}/items`
			);
		const until = async <T>(what: string, check: () => Promise<T | undefined>) => {
			const started = performance.now();
			for (;;) {
				const value = await check();
				if (value !== undefined) return value;
				if (performance.now() - started > 60_000) throw new Error(`${what}: not within 60 s`);
				await sleep(20);
			}
		};

		// Live replication.
		const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
		const quantifyRoot = path.join(work, 'quantify');
		const folder = path.join(quantifyRoot, day, `${day}-120000-000-abcdef-live bench`);
		fs.mkdirSync(folder, { recursive: true });
		const file = path.join(folder, 'dataset.hdf5');
		await writeQuantifyDataset(file, points, 0);
		const quantify = await create('live', 'etiket_sync_agent_quantify', {
			quantify_directory: quantifyRoot,
			set_up: 'bench'
		});
		const live = await until('the live item', async () => {
			const [item] = (await items(quantify.id)).items;
			return item?.live && item.synchronized ? item : undefined;
		});
		const copy = path.join(
			stack.dataDir,
			'store',
			scope,
			live.dataset_uuid,
			'files',
			'dataset.hdf5'
		);
		const writtenAt: number[] = [];
		const seenAt: number[] = [];
		let stored = 0;
		const watching = (async () => {
			while (stored < points) {
				const info = await readQuantifyDataset(copy).catch(() => null);
				const now = performance.now();
				const measured = info ? Math.round(info.filled * points) : stored;
				for (let k = stored; k < measured; k++) seenAt[k] = now;
				stored = Math.max(stored, measured);
				await sleep(20);
			}
		})();
		const interval = 200;
		for (let k = 1; k <= points; k++) {
			await sleep(interval);
			await writeQuantifyDataset(file, points, k);
			writtenAt[k - 1] = performance.now();
		}
		await Promise.race([watching, sleep(30_000)]);
		const lags = writtenAt.map((at, k) => (seenAt[k] ?? Infinity) - at);

		// Previews.
		const n = 1_000_000;
		const side = 1000;
		const lineFile = path.join(work, 'line.hdf5');
		const gridFile = path.join(work, 'grid.hdf5');
		const index = (length: number) => Float64Array.from({ length }, (_, i) => i);
		await writeXarrayHdf5(lineFile, {
			attributes: {},
			dimensions: [{ name: 't', values: index(n), attributes: { units: 's' } }],
			variables: [
				{
					name: 'v',
					dims: ['t'],
					values: Float64Array.from(
						{ length: n },
						(_, i) => Math.sin(i / 1e4) + Math.random() * 0.1
					),
					attributes: { units: 'V', long_name: 'Voltage' }
				}
			]
		});
		await writeXarrayHdf5(gridFile, {
			attributes: {},
			dimensions: [
				{ name: 'y', values: index(side), attributes: {} },
				{ name: 'x', values: index(side), attributes: {} }
			],
			variables: [
				{
					name: 'z',
					dims: ['y', 'x'],
					values: Float64Array.from({ length: side * side }, (_, i) => Math.sin(i / 5e3)),
					attributes: {}
				}
			]
		});
		const line = await timed(() => previewOf(lineFile, 'line.hdf5'));
		const grid = await timed(() => previewOf(gridFile, 'grid.hdf5'));

		// The item page that draws the line, through the dashboard.
		const tables = path.join(work, 'tables', 'P', 'run');
		fs.mkdirSync(tables, { recursive: true });
		fs.copyFileSync(lineFile, path.join(tables, 'data.hdf5'));
		fs.writeFileSync(path.join(tables, '_QH_dataset_info.yaml'), 'dataset_name: line\n');
		const folderbase = await create('line', 'etiket_sync_agent_folderbase', {
			root_directory: path.join(work, 'tables')
		});
		const synced = await until('the line dataset', async () => {
			const [item] = (await items(folderbase.id)).items;
			return item?.synchronized ? item : undefined;
		});
		const pageUrl = `${stack.dashboardUrl}/sources/${folderbase.id}/items/${synced.id}`;
		const page = await timed(async () => (await fetch(pageUrl)).text());
		const html = page.result;
		const section =
			/<section aria-labelledby="preview-heading"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
		return {
			live: { points, interval_ms: interval, lag_ms: { ...latency(lags), max: Math.max(...lags) } },
			preview: {
				line: { points: n, reduce_ms: line.ms, json_bytes: JSON.stringify(line.result).length },
				grid: {
					points: side * side,
					reduce_ms: grid.ms,
					json_bytes: JSON.stringify(grid.result).length
				},
				page: {
					p50_ms: page.ms,
					p95_ms: percentile(page.times, 95),
					preview_bytes: section.length,
					html_bytes: html.length
				}
			}
		};
	} finally {
		await stack.close();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

if (isMain(import.meta.url)) {
	const figures = await measureLivePreview(Number(process.env.POINTS ?? 60));
	const { lag_ms } = figures.live;
	console.log(
		`Live replication, ${figures.live.points} points one every ${figures.live.interval_ms} ms: written → in the store's copy p50 ${lag_ms.p50.toFixed(0)} ms, p95 ${lag_ms.p95.toFixed(0)} ms, max ${lag_ms.max.toFixed(0)} ms (target p95 ≤ 1 s; Quantify polls every 500 ms)`
	);
	const { line, grid, page } = figures.preview;
	console.log(
		`Preview of ${line.points} points: reduced in ${line.reduce_ms.toFixed(0)} ms to ${(line.json_bytes / 1024).toFixed(1)} KB`
	);
	console.log(
		`Preview of a ${grid.points}-point grid: reduced in ${grid.reduce_ms.toFixed(0)} ms to ${(grid.json_bytes / 1024).toFixed(1)} KB`
	);
	console.log(
		`Item page drawing the 1,000,000-point line: p50 ${page.p50_ms.toFixed(0)} ms, p95 ${page.p95_ms.toFixed(0)} ms; its preview ${(page.preview_bytes / 1024).toFixed(1)} KB of ${(page.html_bytes / 1024).toFixed(1)} KB HTML (targets: < 100 KB, < 100 ms)`
	);
	console.log(`Machine: ${describeMachine()}`);
}

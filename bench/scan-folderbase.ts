/**
 * Scan benchmark: first scan and no-change rescan of 10,000 folder-base datasets, through the
 * agent's own scan (walk, fingerprint, save items in SQLite). Prints the figures; not a test.
 *
 *   npm run bench:scan            (DATASETS=20000 to change the count)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { benchSource, inWorkFolder } from './scan-source';
import { describeMachine, isMain } from './stats';

export interface ScanFigures {
	datasets: number;
	first_scan_s: number;
	rescan_s: number;
	rescan_again_s: number;
	/** `find <root> -name _QH_dataset_info.yaml` on the same tree, warm: the walk itself. */
	find_s: number;
	/** `find <root> -printf '%p %s %T@'`: the walk and a stat of every file, as a scan needs. */
	find_stat_s: number;
	first_scan_vs_find: number;
	rescan_vs_find: number;
}

/** The median of three runs of `find` over the tree, in seconds. */
function findSeconds(root: string, ...expression: string[]): number {
	const times: number[] = [];
	for (let run = 0; run < 3; run++) {
		const started = performance.now();
		const found = execFileSync('find', [root, ...expression], { maxBuffer: 1 << 28 });
		times.push((performance.now() - started) / 1000);
		if (found.length === 0) throw new Error('find found nothing');
	}
	return times.sort((a, b) => a - b)[1]!;
}

/** Writes `count` datasets in a temporary folder, scans them three times; the seconds. */
export function measureScan(count: number): Promise<ScanFigures> {
	return inWorkFolder('qh-bench-scan-', (work) => scanTimes(count, work, path.join(work, 'data')));
}

async function scanTimes(count: number, work: string, root: string): Promise<ScanFigures> {
	const started = performance.now();
	for (let i = 0; i < count; i++) {
		const dir = path.join(
			root,
			`Project_${i % 10}`,
			`2024-${String((i % 12) + 1).padStart(2, '0')}`,
			`run_${i}`
		);
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, '_QH_dataset_info.yaml'),
			`dataset_name: Run ${i}\nkeywords: [bench]\n`
		);
		fs.writeFileSync(path.join(dir, 'data.csv'), `t,v\n${i},${i * 2}\n`);
		fs.writeFileSync(path.join(dir, 'notes.txt'), 'notes');
	}
	console.log(
		`Wrote ${count} datasets (${count * 3} files) in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);

	const source = benchSource(work, 'etiket_sync_agent_folderbase', { root_directory: root });

	// The tree was just written: find and the first scan both read it from the page cache.
	const find = findSeconds(root, '-name', '_QH_dataset_info.yaml');
	console.log(`${'find -name (median of 3)'.padEnd(26)} ${find.toFixed(2).padStart(6)} s`);
	const findStat = findSeconds(root, '-printf', '%p %s %T@\n');
	console.log(`${'find -printf (median of 3)'.padEnd(26)} ${findStat.toFixed(2).padStart(6)} s`);
	const figures: number[] = [];
	for (const run of ['first scan', 'no-change rescan', 'no-change rescan (again)']) {
		const { seconds, found, changed } = await source.scan();
		figures.push(seconds);
		console.log(
			`${run.padEnd(26)} ${figures.at(-1)!.toFixed(2).padStart(6)} s   found ${found}, new or changed ${changed}`
		);
	}
	if (source.itemsTotal() !== count)
		throw new Error(`expected ${count} items, the source counts ${source.itemsTotal()}`);
	source.close();
	const [first, rescan, again] = figures as [number, number, number];
	return {
		datasets: count,
		first_scan_s: first,
		rescan_s: rescan,
		rescan_again_s: again,
		find_s: find,
		find_stat_s: findStat,
		first_scan_vs_find: first / find,
		rescan_vs_find: Math.min(rescan, again) / find
	};
}

if (isMain(import.meta.url)) {
	const figures = await measureScan(Number(process.env.DATASETS ?? 10_000));
	console.log(
		`Against find -name: first scan ${figures.first_scan_vs_find.toFixed(1)}×, rescan ${figures.rescan_vs_find.toFixed(1)}×; rescan against find -printf (which stats every file too): ${(Math.min(figures.rescan_s, figures.rescan_again_s) / figures.find_stat_s).toFixed(1)}×`
	);
	console.log(`Machine: ${describeMachine()}`);
	console.log(`Targets: first scan ≤ 5× find, no-change rescan ≤ 2× find`);
}

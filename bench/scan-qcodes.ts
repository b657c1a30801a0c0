/**
 * QCoDeS benchmark: the first scan and the no-change rescan of a 10,000-run database through
 * the agent's own scan (query, fingerprint, save items in SQLite), and the export of a
 * 1,000,000-point run against the `SELECT` of the same rows. Prints the figures; not a test.
 *
 *   npm run bench:qcodes            (RUNS=20000 POINTS=4000000 to change the sizes)
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { QcodesWriter } from '../tests/qcodes-database';
import { benchSource, inWorkFolder } from './scan-source';
import { describeMachine, isMain, percentile } from './stats';

export interface QcodesFigures {
	runs: number;
	first_scan_s: number;
	rescan_ms: number;
	/** The backend's own part of a rescan: the queries and fingerprints, no item saved. */
	backend_rescan_ms: number;
	points: number;
	/** `SELECT id, x, y, z` of the run's rows, every row stepped through: the read itself. */
	select_s: number;
	/** The agent's read of the run: the same SELECT, shaped into a grid, written as HDF5. */
	export_s: number;
	export_vs_select: number;
	export_mb: number;
}

const median = (values: number[]) => percentile(values, 50);

export function measureQcodes(runs: number, points: number): Promise<QcodesFigures> {
	return inWorkFolder('qh-bench-qcodes-', (work) => measure(work, runs, points));
}

async function measure(work: string, runs: number, points: number): Promise<QcodesFigures> {
	let started = performance.now();
	const writer = new QcodesWriter(path.join(work, 'experiments.db'));
	const params = [
		{ name: 'x', unit: 'V' },
		{ name: 'y', unit: 'V' },
		{ name: 'z', unit: 'A', dependsOn: ['x', 'y'] }
	];
	const experiment = writer.experiment('bench', 'sample');
	writer.db.exec('BEGIN');
	for (let i = 0; i < runs - 1; i++) {
		writer.run({ experiment, name: `run ${i}`, params, rows: [{ x: i, y: 0, z: 1 }] });
	}
	const side = Math.round(Math.sqrt(points));
	const big = writer.run({ experiment, name: 'big grid', params, completed: false });
	const rows = [];
	for (let x = 0; x < side; x++) for (let y = 0; y < side; y++) rows.push({ x, y, z: x * y });
	writer.addRows(big, rows);
	writer.complete(big);
	writer.db.exec('COMMIT');
	writer.close();
	console.log(
		`Wrote ${runs} runs, one of ${side * side} points, in ${((performance.now() - started) / 1000).toFixed(1)} s`
	);

	const config = { database_path: writer.file, set_up: 'bench' };
	const source = benchSource(work, 'etiket_sync_agent_qcodes', config);
	const { backend } = source;
	const scan = () => source.scan();
	const first = await scan();
	if (first.found !== runs) throw new Error(`found ${first.found} runs of ${runs}`);
	console.log(`${'first scan'.padEnd(24)} ${first.seconds.toFixed(2).padStart(7)} s`);
	const rescans: number[] = [];
	for (let i = 0; i < 5; i++) rescans.push((await scan()).seconds * 1000);
	console.log(
		`${'no-change rescan (median of 5)'.padEnd(24)} ${median(rescans).toFixed(1).padStart(7)} ms`
	);
	const backendRescans: number[] = [];
	for (let i = 0; i < 5; i++) {
		started = performance.now();
		await backend.implementation!.scan(config, source.signal, { liveIdleMs: 120_000 });
		backendRescans.push(performance.now() - started);
	}
	console.log(
		`${'  of it, the database query'.padEnd(24)} ${median(backendRescans).toFixed(1).padStart(7)} ms`
	);
	source.close();

	const selects: number[] = [];
	const exports: number[] = [];
	let size = 0;
	for (let i = 0; i < 3; i++) {
		started = performance.now();
		const reader = new Database(writer.file, { readonly: true });
		let count = 0;
		for (const row of reader
			.prepare(`SELECT id, "x", "y", "z" FROM "big_grid-${experiment}-${runs}"`)
			.raw()
			.iterate()) {
			if (row) count++;
		}
		reader.close();
		selects.push((performance.now() - started) / 1000);
		if (count !== side * side) throw new Error(`selected ${count} rows`);
		started = performance.now();
		const content = await backend.implementation!.read(config, String(big));
		exports.push((performance.now() - started) / 1000);
		size = fs.statSync(content.files[0]!.path).size;
		await content.dispose?.();
	}
	const select = median(selects);
	const exported = median(exports);
	console.log(`${'SELECT of the big run'.padEnd(24)} ${select.toFixed(2).padStart(7)} s`);
	console.log(
		`${'export of the big run'.padEnd(24)} ${exported.toFixed(2).padStart(7)} s  (${(size / 1e6).toFixed(1)} MB written)`
	);
	return {
		runs,
		first_scan_s: first.seconds,
		rescan_ms: median(rescans),
		backend_rescan_ms: median(backendRescans),
		points: side * side,
		select_s: select,
		export_s: exported,
		export_vs_select: exported / select,
		export_mb: size / 1e6
	};
}

if (isMain(import.meta.url)) {
	const figures = await measureQcodes(
		Number(process.env.RUNS ?? 10_000),
		Number(process.env.POINTS ?? 1_000_000)
	);
	console.log(
		`Export of ${figures.points} points: ${figures.export_vs_select.toFixed(1)}× the SELECT of its rows`
	);
	console.log(`Machine: ${describeMachine()}`);
	console.log('Targets: first scan ≤ 5 s, no-change rescan ≤ 50 ms');
}

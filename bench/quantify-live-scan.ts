/**
 * The scan of a Quantify source while its newest measurement is being written: 200 finished
 * datasets and a newest one whose `dataset.hdf5` is 300 MB and filling, a block of values at a
 * time (written in place, its time and NaN cursor moving before every scan). Timed against the
 * same source idle, and against what the scan's live check cost before (a copy of the whole
 * file, read from its start). Prints the figures; not a test.   npm run bench:quantify
 */
import fs from 'node:fs';
import path from 'node:path';
import { readQuantifyDataset } from '../src/agent/backends/quantify/read-dataset';
import { loadH5wasm } from '../src/agent/files/h5wasm';
import { copyRegularFile } from '../src/agent/files/safe-files';
import { writeQuantifyDataset } from '../tests/quantify-live-writer';
import { benchSource, inWorkFolder } from './scan-source';
import { describeMachine, isMain, latency, ms, type Latency } from './stats';

export interface QuantifyLiveScanFigures {
	datasets: number;
	newest_mb: number;
	/** Scans of the source with nothing being written. */
	idle: Latency;
	/** Scans while the newest file fills (target: as idle, within noise). */
	writing: Latency;
	/** The old live check alone: the whole file copied, then read from its start. */
	copy_and_read_ms: number;
}

const DAY = '20261201';
const SCANS = 20;

/** Fills `count` more values of y0 from `from`, in place, as a writer that updates its file. */
async function fillMore(file: string, from: number, count: number) {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'a');
	try {
		const y0 = h5.get('y0') as InstanceType<typeof h5wasm.Dataset>;
		y0.write_slice(
			[[from, from + count]],
			Float64Array.from({ length: count }, (_, i) => i)
		);
	} finally {
		h5.close();
	}
}

export async function measureQuantifyLiveScan(
	datasets = 200,
	newestMb = 300
): Promise<QuantifyLiveScanFigures> {
	return inWorkFolder('qh-bench-quantify-', async (work) => {
		const root = path.join(work, 'quantify');
		const old = new Date(Date.now() - 3_600_000);
		for (let i = 0; i < datasets; i++) {
			const dir = path.join(
				root,
				DAY,
				`${DAY}-08${String(i).padStart(4, '0')}-000-abcdef-run ${i}`
			);
			fs.mkdirSync(dir, { recursive: true });
			await writeQuantifyDataset(path.join(dir, 'dataset.hdf5'), 10, 10);
			fs.utimesSync(path.join(dir, 'dataset.hdf5'), old, old);
		}
		const newest = path.join(root, DAY, `${DAY}-235959-000-ffffff-big sweep`, 'dataset.hdf5');
		fs.mkdirSync(path.dirname(newest), { recursive: true });
		// x0 and y0, float64 each: half the file each.
		const points = Math.round((newestMb * 1024 * 1024) / 16);
		await writeQuantifyDataset(newest, points, 0);
		const source = benchSource(work, 'etiket_sync_agent_quantify', {
			quantify_directory: root,
			set_up: 'bench'
		});
		try {
			await source.scan(); // the first scan finds every dataset: not what is timed
			fs.utimesSync(newest, old, old);
			const idle: number[] = [];
			for (let i = 0; i < SCANS; i++) idle.push((await source.scan()).seconds * 1000);

			const writing: number[] = [];
			let measured = 0;
			for (let i = 0; i < SCANS; i++) {
				await fillMore(newest, measured, 10_000);
				measured += 10_000;
				const scan = await source.scan();
				writing.push(scan.seconds * 1000);
			}

			const started = performance.now();
			const copy = path.join(work, 'copy.hdf5');
			await copyRegularFile(newest, copy);
			await readQuantifyDataset(copy);
			const copyAndRead = performance.now() - started;
			return {
				datasets: datasets + 1,
				newest_mb: fs.statSync(newest).size / 1024 / 1024,
				idle: latency(idle),
				writing: latency(writing),
				copy_and_read_ms: copyAndRead
			};
		} finally {
			source.close();
		}
	});
}

if (isMain(import.meta.url)) {
	const figures = await measureQuantifyLiveScan();
	console.log(
		`Quantify source of ${figures.datasets} datasets, the newest ${figures.newest_mb.toFixed(0)} MB:`
	);
	console.log(`  scan, idle: p50 ${ms(figures.idle.p50)} ms, p95 ${ms(figures.idle.p95)} ms`);
	console.log(
		`  scan while the newest is written: p50 ${ms(figures.writing.p50)} ms, p95 ${ms(figures.writing.p95)} ms (target: as idle)`
	);
	console.log(
		`  the old live check alone (copy the file, read it from its start): ${ms(figures.copy_and_read_ms)} ms`
	);
	console.log(`Machine: ${describeMachine()}`);
}

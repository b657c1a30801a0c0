/**
 * New data → synced, through the embedded sync API and its agent process: a folder-base source
 * on a watched root, cycles an hour apart (only the watcher can be quick), a new dataset
 * written every 1.5 s; the time from its last file written to its item synchronized, read
 * from the agent's database every 5 ms. Prints the figures; not a test.
 *
 *   npm run bench:watch          (DATASETS=40 to change the count)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SETTLE_MS } from '../src/agent/backends/folderbase/folderbase';
import { folderbaseAgent } from './folderbase-agent';
import { describeMachine, isMain, latency, sleep, type Latency } from './stats';

export interface WatchFigures {
	datasets: number;
	/** Last file written → item synchronized. */
	latency_ms: Latency & { max: number };
	/** The part of it that is the settle period (data left alone this long before upload). */
	settle_ms: number;
}

export async function measureWatchLatency(count: number): Promise<WatchFigures> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-watch-'));
	const root = path.join(work, 'data');
	fs.mkdirSync(root);
	const { db, close } = await folderbaseAgent(work, root, 3600);
	try {
		const synced = db.prepare('SELECT synchronized FROM items WHERE data_identifier = ?').pluck();
		const samples: number[] = [];
		// One first, not measured: the agent process starts and takes its first full scan.
		for (let i = -1; i < count; i++) {
			const dataIdentifier = `P/run_${String(i + 1).padStart(4, '0')}`;
			const dir = path.join(root, ...dataIdentifier.split('/'));
			fs.mkdirSync(dir, { recursive: true });
			fs.writeFileSync(path.join(dir, 'data.csv'), `t,v\n${i},${i * 2}\n`);
			fs.writeFileSync(path.join(dir, '_QH_dataset_info.yaml'), `dataset_name: run ${i}\n`);
			const written = performance.now();
			while (synced.get(dataIdentifier) !== 1) {
				if (performance.now() - written > 30_000) throw new Error(`${dataIdentifier} not synced`);
				await sleep(5);
			}
			if (i >= 0) samples.push(performance.now() - written);
			await sleep(1500);
		}
		return {
			datasets: count,
			latency_ms: { ...latency(samples), max: Math.max(...samples) },
			settle_ms: SETTLE_MS
		};
	} finally {
		await close();
		fs.rmSync(work, { recursive: true, force: true });
	}
}

if (isMain(import.meta.url)) {
	const figures = await measureWatchLatency(Number(process.env.DATASETS ?? 40));
	const { p50, p95, max } = figures.latency_ms;
	console.log(
		`New dataset → synced, ${figures.datasets} datasets: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, max ${max.toFixed(0)} ms (of which ${figures.settle_ms} ms is the settle period)`
	);
	console.log(`Machine: ${describeMachine()}`);
	console.log('Target: p95 ≤ 1 s (moonshot ≤ 100 ms)');
}

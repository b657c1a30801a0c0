/**
 * Upload speed, side by side with the tools that set the bar, in one run on one disk: the
 * embedded agent syncs a folder-base dataset of one 1 GB file (copy, md5, flush to disk), timed
 * from the item queued to the item synchronized, against `cp` + `md5sum` + `sync` of the same
 * file; and a dataset of 10,000 small files against `cp -r` + `sync` of the same folder. Each
 * is taken three times, the median kept. Before every round the page cache is dropped where
 * this may (as root on Linux), so both read from the disk as a new measurement would; the
 * figures say which. Prints them; not a test.
 *
 *   npm run bench:upload          (UPLOAD_MB=1024 and SMALL_FILES=10000 to change the sizes)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { folderbaseAgent } from './folderbase-agent';
import { describeMachine, isMain, percentile, sleep } from './stats';

export interface UploadFigures {
	/** Whether every round read from the disk (page cache dropped) or from memory. */
	cache: 'dropped' | 'warm';
	big: { mb: number; ours_s: number; tools_s: number; ratio: number };
	small: { files: number; ours_s: number; cp_s: number; ratio: number; files_per_s: number };
}

const ROUNDS = 3;

/** Writes dirty pages out and empties the page cache; false where this process may not. */
function dropCaches(): boolean {
	try {
		execFileSync('sync');
		fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
		return true;
	} catch {
		return false;
	}
}

let cacheDropped = true;

/** Seconds `run` takes, its median over rounds; `reset` (untimed) runs before each. */
async function median(run: () => unknown, reset: () => void): Promise<number> {
	const samples: number[] = [];
	for (let round = 0; round < ROUNDS; round++) {
		reset();
		cacheDropped = dropCaches() && cacheDropped;
		const started = performance.now();
		await run();
		samples.push((performance.now() - started) / 1000);
	}
	return percentile(samples, 50);
}

/**
 * An agent syncing the one dataset under `root`; `syncAgain` resets it and resolves when it is
 * synced again.
 */
async function agentFor(work: string, root: string) {
	const { client, settings, scope, source, db, close } = await folderbaseAgent(work, root, 0.1);
	const synced = db
		.prepare('SELECT count(*) FROM items WHERE source_id = ? AND synchronized = 1')
		.pluck();
	const until = async (count: number) => {
		while (synced.get(source.id) !== count) await sleep(5);
	};
	await until(1);
	return {
		async syncAgain() {
			await client.resetSourceItems({ id: source.id, include_successful: true });
			await until(1);
		},
		/** Removes the stored copy, so the next sync writes every file anew. */
		removeStore: () =>
			fs.rmSync(path.join(settings.storeDir, scope), { recursive: true, force: true }),
		close
	};
}

/** The median time an agent takes to sync the one dataset under `root` anew. */
async function timeAgent(work: string, root: string): Promise<number> {
	const agent = await agentFor(work, root);
	try {
		return await median(() => agent.syncAgain(), agent.removeStore);
	} finally {
		await agent.close();
	}
}

export async function measureUpload(mb: number, smallFiles: number): Promise<UploadFigures> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-upload-'));
	const copyDir = path.join(work, 'copy');
	const sh = (script: string) => execFileSync('sh', ['-c', script], { cwd: work });
	try {
		const bigRoot = path.join(work, 'big');
		const bigDir = path.join(bigRoot, 'P', 'run');
		fs.mkdirSync(bigDir, { recursive: true });
		fs.writeFileSync(path.join(bigDir, '_QH_dataset_info.yaml'), 'dataset_name: big\n');
		sh(`head -c ${mb * 1024 * 1024} /dev/urandom > big/P/run/data.bin`);
		const smallRoot = path.join(work, 'small');
		const smallDir = path.join(smallRoot, 'P', 'run');
		fs.mkdirSync(smallDir, { recursive: true });
		fs.writeFileSync(path.join(smallDir, '_QH_dataset_info.yaml'), 'dataset_name: small\n');
		const block = Buffer.alloc(4096, 'x');
		for (let i = 0; i < smallFiles; i++) fs.writeFileSync(path.join(smallDir, `f${i}.txt`), block);
		// Older than the folder-base settle period, so the agent uploads at once.
		const past = new Date(Date.now() - 3_600_000);
		for (const dir of [bigDir, smallDir])
			for (const name of fs.readdirSync(dir)) fs.utimesSync(path.join(dir, name), past, past);
		const removeCopy = () => fs.rmSync(copyDir, { recursive: true, force: true });

		// The tools first, so that no idle connection to the agent waits meanwhile.
		const bigTools = await median(
			() => sh('cp big/P/run/data.bin copy && md5sum copy > /dev/null && sync -f copy'),
			removeCopy
		);
		const smallCp = await median(() => sh('cp -r small/P/run copy && sync -f copy'), removeCopy);
		const bigOurs = await timeAgent(path.join(work, 'big-agent'), bigRoot);
		const smallOurs = await timeAgent(path.join(work, 'small-agent'), smallRoot);
		return {
			cache: cacheDropped ? 'dropped' : 'warm',
			big: { mb, ours_s: bigOurs, tools_s: bigTools, ratio: bigTools / bigOurs },
			small: {
				files: smallFiles,
				ours_s: smallOurs,
				cp_s: smallCp,
				ratio: smallCp / smallOurs,
				files_per_s: smallFiles / smallOurs
			}
		};
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

if (isMain(import.meta.url)) {
	const { cache, big, small } = await measureUpload(
		Number(process.env.UPLOAD_MB ?? 1024),
		Number(process.env.SMALL_FILES ?? 10_000)
	);
	console.log(
		`Upload of one ${big.mb} MB file: ${big.ours_s.toFixed(2)} s, cp + md5sum + sync ${big.tools_s.toFixed(2)} s: ${big.ratio.toFixed(2)}× of what the tools take (target ≥ 0.8×)`
	);
	console.log(
		`Upload of ${small.files} files of 4 KB: ${small.ours_s.toFixed(2)} s (${small.files_per_s.toFixed(0)} files/s), cp -r + sync ${small.cp_s.toFixed(2)} s: ${small.ratio.toFixed(2)}×`
	);
	console.log(`Machine: ${describeMachine()}; page cache ${cache} before each round`);
}

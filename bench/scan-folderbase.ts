/**
 * Scan benchmark: first scan and no-change rescan of 10,000 folder-base datasets, through the
 * agent's own scan (walk, fingerprint, save items in SQLite). Prints the figures; not a test.
 *
 *   npm run bench:scan            (DATASETS=20000 to change the count)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBackend } from '../src/agent/backends/catalog';
import { openDatabase } from '../src/agent/db/database';
import { scanSource } from '../src/agent/engine/scan';
import { createLogger } from '../src/agent/logs/logger';
import { seedScopes, listScopes } from '../src/agent/services/scopes';
import { createSource, findSourceRow } from '../src/agent/services/sources';
import { readAgentSettings } from '../src/agent/settings';
import { describeMachine, isMain } from './stats';

export interface ScanFigures {
	datasets: number;
	first_scan_s: number;
	rescan_s: number;
	rescan_again_s: number;
}

/** Writes `count` datasets in a temporary folder, scans them three times; the seconds. */
export async function measureScan(count: number): Promise<ScanFigures> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-scan-'));
	const root = path.join(work, 'data');
	try {
		return await scanTimes(count, work, root);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

async function scanTimes(count: number, work: string, root: string): Promise<ScanFigures> {
	let started = performance.now();
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

	const settings = readAgentSettings({ ...process.env, QH_DATA_DIR: path.join(work, 'agent') });
	const db = openDatabase(settings.dbPath);
	seedScopes(db, undefined);
	const log = createLogger(settings.agentLogFile, 'bench');
	const source = createSource(db, {
		name: 'bench',
		backend_identifier: 'etiket_sync_agent_folderbase',
		config_data: { root_directory: root },
		default_scope: listScopes(db)[0]!.uuid,
		autoassign_scope_mapping: false
	});
	const context = { db, log, settings, signal: new AbortController().signal };
	const backend = findBackend('etiket_sync_agent_folderbase')!;

	const figures: number[] = [];
	for (const run of ['first scan', 'no-change rescan', 'no-change rescan (again)']) {
		started = performance.now();
		const { found, changed } = await scanSource(context, findSourceRow(db, source.id)!, backend);
		figures.push((performance.now() - started) / 1000);
		console.log(
			`${run.padEnd(26)} ${figures.at(-1)!.toFixed(2).padStart(6)} s   found ${found}, new or changed ${changed}`
		);
	}
	const { items_total } = findSourceRow(db, source.id)!;
	if (items_total !== count)
		throw new Error(`expected ${count} items, the source counts ${items_total}`);
	db.close();
	const [first, rescan, again] = figures as [number, number, number];
	return { datasets: count, first_scan_s: first, rescan_s: rescan, rescan_again_s: again };
}

if (isMain(import.meta.url)) {
	await measureScan(Number(process.env.DATASETS ?? 10_000));
	console.log(`Machine: ${describeMachine()}`);
	console.log(`Targets: first scan < 10 s, rescan < 2 s`);
}

/** What the scan benchmarks share: a temporary work folder, and one source scanned by the agent's own scan. */
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

/** Runs `use` in a new temporary folder, removed after. */
export async function inWorkFolder<T>(
	prefix: string,
	use: (work: string) => Promise<T>
): Promise<T> {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	try {
		return await use(work);
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/**
 * A fresh agent database under `work` with one source of the backend: `scan` runs the agent's
 * scan of it (the backend's scan, then the items saved in SQLite) and times it.
 */
export function benchSource(
	work: string,
	backendIdentifier: string,
	config: Record<string, unknown>
) {
	const settings = readAgentSettings({ ...process.env, QH_DATA_DIR: path.join(work, 'agent') });
	const db = openDatabase(settings.dbPath);
	seedScopes(db, undefined);
	const source = createSource(db, {
		name: 'bench',
		backend_identifier: backendIdentifier,
		config_data: config,
		default_scope: listScopes(db)[0]!.uuid,
		autoassign_scope_mapping: false
	});
	const context = {
		db,
		log: createLogger(settings.agentLogFile, 'bench'),
		settings,
		signal: new AbortController().signal
	};
	const backend = findBackend(backendIdentifier)!;
	return {
		backend,
		signal: context.signal,
		async scan() {
			const started = performance.now();
			const scanned = await scanSource(context, findSourceRow(db, source.id)!, backend);
			if (!scanned) throw new Error('the source’s data vanished');
			return { seconds: (performance.now() - started) / 1000, ...scanned };
		},
		itemsTotal: () => findSourceRow(db, source.id)!.items_total,
		close: () => db.close()
	};
}

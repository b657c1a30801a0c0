/**
 * A second process that scans one source over and over, as the agent process does, for the
 * concurrency test: `node --import tsx scan-loop.ts <data dir> <source id>`, until its stdin
 * closes. Prints a line after every scan, once its writes are committed.
 */
import { findBackend } from '../../src/agent/backends/catalog';
import { openDatabase } from '../../src/agent/db/database';
import { scanSource } from '../../src/agent/engine/scan';
import { createLogger } from '../../src/agent/logs/logger';
import { findSourceRow } from '../../src/agent/services/sources';
import { readAgentSettings } from '../../src/agent/settings';

const [dataDir, sourceId] = process.argv.slice(2);
const settings = readAgentSettings({ ...process.env, QH_DATA_DIR: dataDir });
const db = openDatabase(settings.dbPath);
const log = createLogger(settings.agentLogFile, 'sync_agent');
const context = { db, log, settings, signal: new AbortController().signal };
let stopped = false;
process.stdin.on('close', () => (stopped = true)).resume();
while (!stopped) {
	const source = findSourceRow(db, Number(sourceId))!;
	await scanSource(context, source, findBackend(source.backend_identifier)!);
	process.stdout.write('scanned\n');
	// Let the stdin watch run between scans.
	await new Promise((resolve) => setImmediate(resolve));
}
db.close();
log.close();

/**
 * The agent process: runs sync cycles until told to stop. Started and stopped by the API
 * process (see supervisor.ts); state goes through the shared database, never through the
 * parent, so the API answers status even while a cycle is busy.
 */
import { acquireAgentLock } from '../db/agent-lock';
import { openDatabase } from '../db/database';
import { createLogger } from '../logs/logger';
import { readAgentSettings } from '../settings';
import { runAgent } from './agent-loop';

const settings = readAgentSettings();
const log = createLogger(settings.agentLogFile, 'sync_agent');
const db = openDatabase(settings.dbPath);
const controller = new AbortController();

process.on('SIGTERM', () => controller.abort());
process.on('SIGINT', () => controller.abort());
process.stdin.on('close', () => controller.abort());
process.stdin.resume();
process.on('uncaughtException', (error) => {
	log.error('The sync agent crashed', error);
	process.exit(1);
});

const lock = await acquireAgentLock(settings.agentLockPath, controller.signal, () =>
	log.warning('Another sync agent still runs on %s; waiting for it to exit', settings.dataDir)
);
if (lock) {
	log.info('Sync agent started (pid %d, data directory %s)', process.pid, settings.dataDir);
	await runAgent({ db, log, settings, signal: controller.signal });
	log.info('Sync agent stopped');
	lock.close();
}
db.close();
log.close();
// The stdin watch would keep the process alive.
process.exit(0);

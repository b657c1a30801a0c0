/**
 * The sync API process: serves the contract over HTTP and supervises the agent process.
 * `npm run agent` runs it alone; `npm start` runs it beside the dashboard.
 */
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './api/app';
import { openDatabase } from './db/database';
import { AgentSupervisor } from './engine/supervisor';
import { createLogger } from './logs/logger';
import { readAgentSettings } from './settings';

const settings = readAgentSettings();
const log = createLogger(path.join(settings.logDir, 'sync_api.log'), 'sync_api', { echo: true });
const db = openDatabase(settings.dbPath);
const supervisor = new AgentSupervisor({ env: process.env, log: log.child('supervisor') });
const app = createApp({ settings, db, log, supervisor });

const { desired } = db.prepare('SELECT desired FROM agent_state WHERE id = 1').get() as {
	desired: string;
};
if (desired === 'running') await supervisor.start();

const server = serve({ fetch: app.fetch, hostname: settings.host, port: settings.port }, (info) => {
	log.info('Sync API listening on http://%s:%d (data in %s)', info.address, info.port, settings.dataDir);
});

let closing = false;
async function shutdown(signal: string) {
	if (closing) return;
	closing = true;
	log.info('Received %s, shutting down', signal);
	server.close();
	// The agent's desired state stays as it is, so the next boot restores it.
	if (supervisor.running) await supervisor.stop().catch(() => undefined);
	db.close();
	log.close();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

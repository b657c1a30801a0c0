/**
 * The sync API process: serves the contract over HTTP and supervises the agent process.
 * `npm run agent` runs it alone; `npm start` runs it beside the dashboard.
 */
import { serve } from '@hono/node-server';
import { openRuntime } from './runtime';
import { readAgentSettings } from './settings';

const settings = readAgentSettings();
const runtime = openRuntime(settings, process.env, { echo: true });
const { log } = runtime;

const server = serve(
	{ fetch: runtime.app.fetch, hostname: settings.host, port: settings.port },
	(info) => {
		log.info(
			'Sync API listening on http://%s:%d (data in %s)',
			info.address,
			info.port,
			settings.dataDir
		);
	}
);
server.on('error', (error) => {
	log.error('The sync API cannot listen on %s:%d', settings.host, settings.port, error);
	void runtime.close().then(() => process.exit(1));
});
await runtime.restoreAgent();

let closing = false;
async function shutdown(signal: string) {
	if (closing) return;
	closing = true;
	log.info('Received %s, shutting down', signal);
	server.close();
	await runtime.close();
	process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

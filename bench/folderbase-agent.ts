/**
 * An embedded sync API in this process (its agent in a child process, as `npm start` runs it) on
 * a fresh data directory, with one folder-base source on `root`, started; for the benchmarks
 * that time what the agent does with files.
 */
import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { serve } from '@hono/node-server';
import { openRuntime } from '../src/agent/runtime';
import { readAgentSettings } from '../src/agent/settings';
import { createSyncApiClient } from '../src/lib/server/sync-api/client';

export async function folderbaseAgent(work: string, root: string, cycleSeconds: number) {
	const env = {
		...process.env,
		QH_DATA_DIR: path.join(work, 'agent'),
		QH_CYCLE_SECONDS: String(cycleSeconds)
	};
	const settings = readAgentSettings(env);
	const runtime = openRuntime(settings, env);
	const server = serve({ fetch: runtime.app.fetch, hostname: '127.0.0.1', port: 0 }) as http.Server;
	await once(server, 'listening');
	const client = createSyncApiClient({
		baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
		timeoutMs: 30_000
	});
	// Read beside the agent, every few milliseconds: what the API would answer, without HTTP.
	const db = new Database(settings.dbPath, { readonly: true });
	const scope = (await client.listScopes())[0]!.uuid;
	const source = await client.createSource({
		name: 'bench',
		backend_identifier: 'etiket_sync_agent_folderbase',
		config_data: { root_directory: root },
		default_scope: scope
	});
	await client.startAgent();
	return {
		client,
		settings,
		scope,
		source,
		db,
		async close() {
			db.close();
			server.close();
			server.closeAllConnections();
			await runtime.close();
		}
	};
}

/**
 * An embedded sync API in this process (its agent in a child process, as `npm start` runs it) on
 * a fresh data directory, with one folder-base source on `root`, started; for the benchmarks
 * that time what the agent does with files.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { openRuntime } from '../src/agent/runtime';
import { readAgentSettings } from '../src/agent/settings';
import { createSyncApiClient } from '../src/lib/server/sync-api/client';
import { serveOnLoopback } from '../tests/helpers';

export async function folderbaseAgent(work: string, root: string, cycleSeconds: number) {
	const env = {
		...process.env,
		QH_DATA_DIR: path.join(work, 'agent'),
		QH_CYCLE_SECONDS: String(cycleSeconds)
	};
	const settings = readAgentSettings(env);
	const runtime = openRuntime(settings, env);
	const server = await serveOnLoopback(runtime.app.fetch);
	const client = createSyncApiClient({ baseUrl: server.baseUrl, timeoutMs: 30_000 });
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
			await runtime.close();
		}
	};
}

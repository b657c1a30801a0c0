import { createApp } from './api/app';
import { openDatabase } from './db/database';
import { AgentSupervisor } from './supervisor';
import { createLogger } from './logs/logger';
import { groupUngroupedFailures } from './services/failure-groups';
import { seedScopes } from './services/scopes';
import type { AgentSettings } from './settings';

/**
 * Everything the sync API process holds, put together from settings: the database, its log,
 * the agent supervisor and the app. `serve.ts` puts it on a port; tests use it directly.
 */
export function openRuntime(
	settings: AgentSettings,
	env: NodeJS.ProcessEnv,
	{ echo = false } = {}
) {
	const log = createLogger(settings.apiLogFile, 'sync_api', { echo });
	const db = openDatabase(settings.dbPath);
	seedScopes(db, settings.scopesJson);
	// Items that failed before failures were grouped join their groups once.
	groupUngroupedFailures(db);
	const supervisor = new AgentSupervisor({ env, log: log.child('supervisor') });
	const app = createApp({ settings, db, log, supervisor });
	let closed = false;

	return {
		settings,
		app,
		db,
		log,
		supervisor,
		/** Starts the agent if it was running when the API last stopped (or on first boot). */
		async restoreAgent() {
			const { desired } = db.prepare('SELECT desired FROM agent_state WHERE id = 1').get() as {
				desired: 'running' | 'stopped';
			};
			if (desired === 'running') await supervisor.start();
		},
		/** Stops the agent process (its desired state is kept for the next boot) and closes. */
		async close() {
			if (closed) return;
			closed = true;
			if (supervisor.running || supervisor.wanted) await supervisor.stop().catch(() => undefined);
			db.close();
			log.close();
		}
	};
}

export type Runtime = ReturnType<typeof openRuntime>;

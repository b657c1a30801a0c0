import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/database';
import { now } from '../db/database';
import type { Logger } from '../logs/logger';
import { recordError } from '../services/errors';
import type { SourceRow } from '../services/sources';
import type { AgentSettings } from '../settings';
import { runSource } from './run-source';
import { DatasetStore, StoreUnavailableError } from './store';
import { describeError } from './sync-record';

export interface AgentContext {
	db: Db;
	log: Logger;
	settings: AgentSettings;
	signal: AbortSignal;
}

/** Runs sync cycles until the signal aborts; each completed cycle is one iteration. */
export async function runAgent(context: AgentContext): Promise<void> {
	const { db, log, settings, signal } = context;
	const store = new DatasetStore(settings.storeDir);
	const finishCycle = db.prepare(
		'UPDATE agent_state SET iterations = iterations + 1, last_update = ? WHERE id = 1'
	);
	while (!signal.aborted) {
		const started = performance.now();
		try {
			await runCycle(context, store);
		} catch (error) {
			log.error('Sync cycle failed', error);
			const { name, message, stack } = describeError(error);
			recordError(db, { sourceId: null, exception: name, message, traceback: stack });
		}
		if (signal.aborted) break;
		finishCycle.run(now());
		log.debug('Cycle finished in %d ms', Math.round(performance.now() - started));
		await sleep(settings.cycleSeconds * 1000, undefined, { signal }).catch(() => undefined);
	}
}

async function runCycle(context: AgentContext, store: DatasetStore): Promise<void> {
	const { db, log, signal } = context;
	if (!checkConnection(context, store)) return;
	const sources = db
		.prepare(`SELECT * FROM sources WHERE status IN ('syncing', 'scanning') ORDER BY id`)
		.all() as SourceRow[];
	for (const source of sources) {
		if (signal.aborted) return;
		try {
			await runSource(context, store, source);
		} catch (error) {
			log.error('Source "%s" failed unexpectedly', source.name, error);
		}
	}
}

/**
 * `no_connection` while the store cannot be written, with one agent error when the
 * connection is lost (not one per cycle).
 */
function checkConnection(context: AgentContext, store: DatasetStore): boolean {
	const { db, log } = context;
	try {
		store.check();
	} catch (error) {
		if (!(error instanceof StoreUnavailableError)) throw error;
		const lost = db
			.prepare('UPDATE agent_state SET connection_ok = 0 WHERE id = 1 AND connection_ok = 1')
			.run().changes;
		if (lost) {
			recordError(db, { sourceId: null, exception: 'NoConnection', message: error.message });
			log.error(error.message);
		}
		return false;
	}
	const restored = db
		.prepare('UPDATE agent_state SET connection_ok = 1 WHERE id = 1 AND connection_ok = 0')
		.run().changes;
	if (restored) log.info('The dataset store at %s is writable again', store.root);
	return true;
}

import { setTimeout as sleep } from 'node:timers/promises';
import { countIteration, setConnection } from '../services/agent-status';
import { recordError } from '../services/error-inbox';
import { listRunningSources } from '../services/sources';
import type { AgentContext } from './context';
import { recheckWaitingSources, runSource } from './source-cycle';
import { DatasetStore, StoreUnavailableError } from './store';
import { describeError } from './sync-record';

/** Runs sync cycles until the signal aborts; each completed cycle is one iteration. */
export async function runAgent(context: AgentContext): Promise<void> {
	const { db, log, settings, signal } = context;
	const store = new DatasetStore(settings.storeDir);
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
		countIteration(db);
		log.debug('Cycle finished in %d ms', Math.round(performance.now() - started));
		await sleep(settings.cycleSeconds * 1000, undefined, { signal }).catch(() => undefined);
	}
}

async function runCycle(context: AgentContext, store: DatasetStore): Promise<void> {
	const { db, log, signal } = context;
	if (!checkConnection(context, store)) return;
	await store.removeLeftPartials();
	recheckWaitingSources(context);
	for (const source of listRunningSources(db)) {
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
		if (setConnection(db, false)) {
			recordError(db, { sourceId: null, exception: 'NoConnection', message: error.message });
			log.error(error.message);
		}
		return false;
	}
	if (setConnection(db, true)) log.info('The dataset store at %s is writable again', store.root);
	return true;
}

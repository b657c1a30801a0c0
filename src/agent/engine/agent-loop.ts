import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/database';
import { now } from '../db/database';
import type { Logger } from '../logs/logger';
import type { AgentSettings } from '../settings';

export interface AgentContext {
	db: Db;
	log: Logger;
	settings: AgentSettings;
	signal: AbortSignal;
}

/** Runs sync cycles until the signal aborts; each completed cycle is one iteration. */
export async function runAgent(context: AgentContext): Promise<void> {
	const { db, log, settings, signal } = context;
	const finishCycle = db.prepare(
		'UPDATE agent_state SET iterations = iterations + 1, last_update = ?, connection_ok = 1 WHERE id = 1'
	);
	while (!signal.aborted) {
		const started = performance.now();
		finishCycle.run(now());
		log.debug('Cycle finished in %d ms', Math.round(performance.now() - started));
		await sleep(settings.cycleSeconds * 1000, undefined, { signal }).catch(() => undefined);
	}
}

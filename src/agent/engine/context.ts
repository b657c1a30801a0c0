import type { Db } from '../db/database';
import type { Logger } from '../logs/logger';
import type { AgentSettings } from '../settings';

/** What every part of the agent process works with; `signal` aborts when it must stop. */
export interface AgentContext {
	db: Db;
	log: Logger;
	settings: AgentSettings;
	signal: AbortSignal;
}

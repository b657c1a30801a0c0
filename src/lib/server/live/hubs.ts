import type { LogService } from '$lib/contract';
import { syncApi } from '../api';
import { LogHub } from './log-hub';

/** The dashboard process's one follower per service. */
export const logHubs: Record<LogService, LogHub> = {
	api: new LogHub('api', () => syncApi),
	sync_agent: new LogHub('sync_agent', () => syncApi)
};

import type { LogService } from '$lib/contract';
import { LIVE_ITEMS_QUERY, liveItemsOf } from '$lib/live-items';
import { sourceSummary } from '$lib/source-summary';
import { syncApi } from '../configured';
import { LogHub } from './log-hub';
import { StatusHub } from './status-hub';

/** The dashboard process's one follower per service. */
export const logHubs: Record<LogService, LogHub> = {
	api: new LogHub('api', () => syncApi),
	sync_agent: new LogHub('sync_agent', () => syncApi)
};

/** The dashboard process's one poller of the agent and source status. */
export const statusHub = new StatusHub(async () => {
	const [agent, sources, counts, live] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts(),
		syncApi.searchItems(LIVE_ITEMS_QUERY)
	]);
	return { agent, sources: sources.map(sourceSummary), counts, live: liveItemsOf(live) };
}, 1000);

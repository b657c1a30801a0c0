import { agentActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { LIVE_ITEMS_QUERY, liveItemsOf } from '$lib/live-items';
import { sourceSummary } from '$lib/source-summary';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const readAt = Date.now();
	const [agent, sources, counts, live] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts(),
		syncApi.searchItems(LIVE_ITEMS_QUERY)
	]).catch(pageError);
	return {
		agent,
		sources: sources.map(sourceSummary),
		counts,
		live: liveItemsOf(live),
		readAt
	};
};

export const actions: Actions = agentActions;

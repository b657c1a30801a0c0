import { agentActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { readHistoryView } from '$lib/server/sync-api/history';
import { LIVE_ITEMS_QUERY, liveItemsOf } from '$lib/live-items';
import { sourceSummary } from '$lib/source-summary';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const readAt = Date.now();
	const [agent, sources, counts, live, history] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts(),
		syncApi.searchItems(LIVE_ITEMS_QUERY),
		readHistoryView(url, 'sources')
	]).catch(pageError);
	return {
		agent,
		sources: sources.map(sourceSummary),
		counts,
		live: liveItemsOf(live),
		history,
		readAt
	};
};

export const actions: Actions = agentActions;

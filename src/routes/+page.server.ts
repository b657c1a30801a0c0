import { sourceSummary } from '$lib/contract';
import { agentActions } from '$lib/server/sync-api/actions/run';
import { agentFor, syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { readHistoryView } from '$lib/server/sync-api/history';
import { readLab } from '$lib/server/sync-api/lab';
import { LIVE_ITEMS_QUERY, liveItemsOf } from '$lib/live-items';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	// A lab's `/`: every agent's row.
	if (!agentFor(url)) {
		const readAt = Date.now();
		return { view: 'lab' as const, rows: await readLab(), readAt };
	}
	const readAt = Date.now();
	const [agent, sources, counts, live, history] = await Promise.all([
		syncApi(url).getAgentStatus(),
		syncApi(url).listSources(),
		syncApi(url).getErrorCounts(),
		syncApi(url).searchItems(LIVE_ITEMS_QUERY),
		readHistoryView(url, 'sources')
	]).catch(pageError);
	return {
		view: 'agent' as const,
		agent,
		sources: sources.map(sourceSummary),
		counts,
		live: liveItemsOf(live),
		history,
		readAt
	};
};

export const actions: Actions = agentActions;

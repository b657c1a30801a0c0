import { agentActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { sourceSummary } from '$lib/source-summary';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const readAt = Date.now();
	const [agent, sources, counts] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts()
	]).catch(pageError);
	return { agent, sources: sources.map(sourceSummary), counts, readAt };
};

export const actions: Actions = agentActions;

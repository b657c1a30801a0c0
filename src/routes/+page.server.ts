import { agentActions } from '$lib/server/actions';
import { syncApi } from '$lib/server/api';
import { pageError } from '$lib/server/errors';
import { sourceRow } from '$lib/source-row';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const [agent, sources, counts] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts()
	]).catch(pageError);
	return { agent, sources: sources.map(sourceRow), counts };
};

export const actions: Actions = agentActions;

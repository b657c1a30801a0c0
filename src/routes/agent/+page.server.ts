import { reportAction } from '$lib/server/sync-api/actions/report';
import { agentActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { readHistoryView } from '$lib/server/sync-api/history';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const readAt = Date.now();
	const [agent, counts, recent, history] = await Promise.all([
		syncApi(url).getAgentStatus(),
		syncApi(url).getErrorCounts(),
		syncApi(url).listAgentErrors({ viewed: false, limit: 3 }),
		readHistoryView(url, 'cycles')
	]).catch(pageError);
	return { agent, counts: counts.agent, recent: recent.items, history, readAt };
};

export const actions: Actions = {
	...agentActions,
	report: ({ request, url }) => reportAction(request, (body) => syncApi(url).reportAgentError(body))
};

import { reportAction } from '$lib/server/sync-api/actions/report';
import { agentActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const readAt = Date.now();
	const [agent, counts, recent] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.getErrorCounts(),
		syncApi.listAgentErrors({ viewed: false, limit: 3 })
	]).catch(pageError);
	return { agent, counts: counts.agent, recent: recent.items, readAt };
};

export const actions: Actions = {
	...agentActions,
	report: ({ request }) => reportAction(request, (body) => syncApi.reportAgentError(body))
};

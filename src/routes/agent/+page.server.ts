import { agentActions, reportAction } from '$lib/server/actions';
import { syncApi } from '$lib/server/api';
import { pageError } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const [agent, counts, recent] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.getErrorCounts(),
		syncApi.listAgentErrors({ viewed: false, limit: 3 })
	]).catch(pageError);
	return { agent, counts: counts.agent, recent: recent.items };
};

export const actions: Actions = {
	...agentActions,
	report: ({ request }) => reportAction(request, (body) => syncApi.reportAgentError(body))
};

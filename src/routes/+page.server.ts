import { act, pageError } from '$lib/server/errors';
import { syncApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const agent = await syncApi.getAgentStatus().catch(pageError);
	return { agent };
};

export const actions: Actions = {
	startAgent: () => act(syncApi.startAgent, () => 'Agent started'),
	stopAgent: () => act(syncApi.stopAgent, () => 'Agent stopped')
};

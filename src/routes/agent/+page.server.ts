import { fail } from '@sveltejs/kit';
import { agentActions } from '$lib/server/actions';
import { syncApi } from '$lib/server/api';
import { act, pageError } from '$lib/server/errors';
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
	report: async ({ request }) => {
		const message = String((await request.formData()).get('message') ?? '');
		if (!message.trim()) {
			return fail(422, {
				message: 'Describe the problem',
				issues: [{ path: 'message', message: 'Describe the problem' }],
				values: { message }
			});
		}
		return act(
			() => syncApi.reportAgentError({ message }),
			(r) => `Report ${r.report_id} stored in the outbox for qHarbor support`,
			{ message }
		);
	}
};

import { fail, type RequestEvent } from '@sveltejs/kit';
import type { Source } from '$lib/contract';
import type { SyncApiClient } from '../client';
import { syncApi } from '../configured';
import { act } from '../failure-mapping';

/** The form's `id` field: a positive integer, or null for a tampered form. */
async function idField(request: Request) {
	const value = Number((await request.formData()).get('id'));
	return Number.isInteger(value) && value > 0 ? value : null;
}

/** Agent start/stop, for every page that shows the agent card. */
export const agentActions = {
	startAgent: ({ url }: RequestEvent) => act(syncApi(url).startAgent, () => 'Agent started'),
	stopAgent: ({ url }: RequestEvent) => act(syncApi(url).stopAgent, () => 'Agent stopped')
};

/** An action on the source whose id the form (`id`) or the URL (`params.id`) names. */
function sourceAction(
	call: (target: { id: number }, api: SyncApiClient) => Promise<Source>,
	done: string
) {
	return async ({ request, params, url }: RequestEvent) => {
		const id = params.id ? Number(params.id) : await idField(request);
		if (!id) return fail(400, { message: 'The form is missing what it acts on; reload the page.' });
		return act(
			() => call({ id }, syncApi(url)),
			(s) => `Source “${s.name}” ${done}`
		);
	};
}

/** Start/stop of a source, from its row in a list or its own page. */
export const sourceRunActions = {
	startSource: sourceAction((source, api) => api.startSource(source), 'started'),
	stopSource: sourceAction((source, api) => api.stopSource(source), 'stopped')
};

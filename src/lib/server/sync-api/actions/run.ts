import { fail, type RequestEvent } from '@sveltejs/kit';
import { syncApi } from '../configured';
import { act } from '../failure-mapping';

/** A positive integer form field (an id), or null for a tampered form. */
async function idField(request: Request, name = 'id') {
	const value = Number((await request.formData()).get(name));
	return Number.isInteger(value) && value > 0 ? value : null;
}

const badForm = () =>
	fail(400, { message: 'The form is missing what it acts on; reload the page.' });

/** Agent start/stop, for every page that shows the agent card. */
export const agentActions = {
	startAgent: () => act(syncApi.startAgent, () => 'Agent started'),
	stopAgent: () => act(syncApi.stopAgent, () => 'Agent stopped')
};

/** Start/stop of the source whose id the form (`id`) or the URL (`params.id`) names. */
export const sourceRunActions = {
	startSource: async ({ request, params }: RequestEvent) => {
		const id = params.id ? Number(params.id) : await idField(request);
		if (!id) return badForm();
		return act(
			() => syncApi.startSource({ id }),
			(s) => `Source “${s.name}” started`
		);
	},
	stopSource: async ({ request, params }: RequestEvent) => {
		const id = params.id ? Number(params.id) : await idField(request);
		if (!id) return badForm();
		return act(
			() => syncApi.stopSource({ id }),
			(s) => `Source “${s.name}” stopped`
		);
	}
};

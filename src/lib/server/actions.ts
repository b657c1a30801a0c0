import { fail, type RequestEvent } from '@sveltejs/kit';
import { MessageBody } from '$lib/contract';
import { syncApi } from './api';
import { act } from './errors';

/** A positive integer form field (an id), or a 400 for a tampered form. */
export async function idField(request: Request, name = 'id') {
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

/** A report to qHarbor support (agent, source or item): the message is checked first. */
export async function reportAction(
	request: Request,
	send: (body: { message: string }) => Promise<{ report_id: number }>
) {
	const message = String((await request.formData()).get('message') ?? '');
	const parsed = MessageBody.safeParse({ message });
	if (!parsed.success) {
		const issues = parsed.error.issues.map((issue) => ({
			path: 'message',
			message: issue.message
		}));
		return fail(422, { message: 'The report was not sent', issues, values: { message } });
	}
	return act(
		() => send(parsed.data),
		(receipt) => `Report ${receipt.report_id} stored in the outbox for qHarbor support`,
		{ message }
	);
}

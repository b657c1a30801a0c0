import { fail } from '@sveltejs/kit';
import { MessageBody } from '$lib/contract';
import { act } from '../failure-mapping';

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

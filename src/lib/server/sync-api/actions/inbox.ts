import { plural } from '$lib/plural';
import { fail, type RequestEvent } from '@sveltejs/kit';
import { syncApi } from '../configured';
import { act } from '../failure-mapping';

/** Whose errors "mark all viewed" covers on a page: the agent's, and those of these sources. */
export type ErrorOwners = { agent: boolean; sources: number[] };

/**
 * The error inboxes' actions. `markError` flips one error (agent or source, as its row says);
 * `markAllViewed` flips the errors of `ownersOf`, only up to the newest error the person saw.
 */
export function inboxActions(
	ownersOf: (event: RequestEvent) => Promise<ErrorOwners> | ErrorOwners
) {
	return {
		markError: async ({ request, url }: RequestEvent) => {
			const form = await request.formData();
			const id = Number(form.get('id'));
			const sourceId = Number(form.get('source_id'));
			const viewed = form.get('viewed') === 'true';
			if (!Number.isInteger(id) || id < 1)
				return fail(400, { message: 'Reload the page and try again.' });
			return act(
				() =>
					sourceId > 0
						? syncApi(url).markSourceError({ id: sourceId, eid: id, viewed })
						: syncApi(url).markAgentError({ id, viewed }),
				() => (viewed ? `Error ${id} marked as read` : `Error ${id} marked as unread`)
			);
		},
		markAllViewed: async (event: RequestEvent) => {
			const upToId = Number((await event.request.formData()).get('up_to_id'));
			if (!Number.isInteger(upToId) || upToId < 1)
				return fail(400, { message: 'Reload the page and try again.' });
			const owners = await ownersOf(event);
			return act(
				async () => {
					const results = await Promise.all([
						owners.agent
							? syncApi(event.url).markAllAgentErrorsViewed({ up_to_id: upToId })
							: { flipped: 0 },
						...owners.sources.map((id) =>
							syncApi(event.url).markAllSourceErrorsViewed({ id, up_to_id: upToId })
						)
					]);
					return results.reduce((sum, r) => sum + r.flipped, 0);
				},
				(flipped) => `Marked ${plural(flipped, 'error')} as read`
			);
		}
	};
}

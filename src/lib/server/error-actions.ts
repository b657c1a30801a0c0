import { fail, type RequestEvent } from '@sveltejs/kit';
import { syncApi } from './api';
import { act } from './errors';

/** Whose errors "mark all viewed" covers on a page. */
export type ErrorScope = { agent: boolean; sources: number[] };

const plural = (n: number) => `${n} ${n === 1 ? 'error' : 'errors'}`;

/**
 * The error inboxes' actions. `markError` flips one error (agent or source, as its row says);
 * `markAllViewed` flips what `scopeOf` covers, only up to the newest error the person saw.
 */
export function errorActions(scopeOf: (event: RequestEvent) => Promise<ErrorScope> | ErrorScope) {
	return {
		markError: async ({ request }: RequestEvent) => {
			const form = await request.formData();
			const id = Number(form.get('id'));
			const sourceId = Number(form.get('source_id'));
			const viewed = form.get('viewed') === 'true';
			if (!Number.isInteger(id) || id < 1)
				return fail(400, { message: 'Reload the page and try again.' });
			return act(
				() =>
					sourceId > 0
						? syncApi.markSourceError({ id: sourceId, eid: id, viewed })
						: syncApi.markAgentError({ id, viewed }),
				() => (viewed ? `Error ${id} marked as read` : `Error ${id} marked as unread`)
			);
		},
		markAllViewed: async (event: RequestEvent) => {
			const upToId = Number((await event.request.formData()).get('up_to_id'));
			if (!Number.isInteger(upToId) || upToId < 1)
				return fail(400, { message: 'Reload the page and try again.' });
			const scope = await scopeOf(event);
			return act(
				async () => {
					const results = await Promise.all([
						scope.agent ? syncApi.markAllAgentErrorsViewed({ up_to_id: upToId }) : { flipped: 0 },
						...scope.sources.map((id) =>
							syncApi.markAllSourceErrorsViewed({ id, up_to_id: upToId })
						)
					]);
					return results.reduce((sum, r) => sum + r.flipped, 0);
				},
				(flipped) => `Marked ${plural(flipped)} as read`
			);
		}
	};
}

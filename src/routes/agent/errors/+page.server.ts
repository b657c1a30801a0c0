import { syncApi } from '$lib/server/api';
import { errorActions } from '$lib/server/error-actions';
import { listPageError } from '$lib/server/errors';
import { errorListQuery } from '$lib/server/query';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const [page, counts] = await Promise.all([
		syncApi.listAgentErrors(errorListQuery(url)),
		syncApi.getErrorCounts()
	]).catch(listPageError(url));
	return { errors: page.items, nextCursor: page.next_cursor, unread: counts.agent.unread };
};

export const actions: Actions = errorActions(() => ({ agent: true, sources: [] }));

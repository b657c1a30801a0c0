import { syncApi } from '$lib/server/sync-api/configured';
import { inboxActions } from '$lib/server/sync-api/actions/inbox';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { errorListQuery } from '$lib/server/sync-api/error-list-query';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const [page, counts] = await Promise.all([
		syncApi(url).listAgentErrors(errorListQuery(url)),
		syncApi(url).getErrorCounts()
	]).catch(listPageError(url));
	return { errors: page.items, nextCursor: page.next_cursor, unread: counts.agent.unread };
};

export const actions: Actions = inboxActions(() => ({ agent: true, sources: [] }));

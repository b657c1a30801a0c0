import { syncApi } from '$lib/server/sync-api/configured';
import { inboxActions } from '$lib/server/sync-api/actions/inbox';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { errorListQuery } from '$lib/server/sync-api/error-list-query';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = Number(params.id);
	const [source, page, counts] = await Promise.all([
		syncApi(url).getSource({ id }),
		syncApi(url).listSourceErrors({ id, ...errorListQuery(url) }),
		syncApi(url).getErrorCounts()
	]).catch(listPageError(url));
	return {
		source: { id: source.id, name: source.name, status: source.status },
		errors: page.items,
		nextCursor: page.next_cursor,
		unread: counts.sources.find((c) => c.source_id === id)?.unread ?? 0
	};
};

export const actions: Actions = inboxActions(({ params }) => ({
	agent: false,
	sources: [Number(params.id)]
}));

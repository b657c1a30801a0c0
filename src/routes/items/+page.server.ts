import { syncApi } from '$lib/server/sync-api/configured';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { itemActions } from '$lib/server/sync-api/actions/items';
import { listQuery, readSearch } from '$lib/item-search';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const search = readSearch(url);
	const readAt = Date.now();
	const [sources, page] = await Promise.all([
		syncApi.listSources(),
		syncApi.searchItems(listQuery(search))
	]).catch(listPageError(url));
	// Names for the Source column; a page's items come from a handful of sources at most.
	const shown = new Set(page.items.map((item) => item.source_id));
	return {
		sourceNames: sources
			.filter((source) => shown.has(source.id))
			.map((source) => [source.id, source.name] as [number, string]),
		search,
		page,
		readAt
	};
};

export const actions: Actions = itemActions;

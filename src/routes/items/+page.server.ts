import { syncApi } from '$lib/server/api';
import { listPageError } from '$lib/server/errors';
import { prioritizeAction, resetAction } from './items.server';
import { listQuery, readSearch } from './search';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const search = readSearch(url);
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
		page
	};
};

export const actions: Actions = {
	prioritize: ({ request }) => prioritizeAction(request),
	reset: ({ request }) => resetAction(request)
};

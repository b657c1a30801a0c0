import { agentFor, syncApi } from '$lib/server/sync-api/configured';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { searchLab } from '$lib/server/sync-api/lab';
import { itemActions } from '$lib/server/sync-api/actions/items';
import { listQuery, readSearch } from '$lib/item-search';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const search = readSearch(url);
	const readAt = Date.now();
	// A lab's `/items`: the search on every agent.
	if (!agentFor(url))
		return { view: 'lab' as const, search, readAt, agents: await searchLab(search) };
	const [sources, page] = await Promise.all([
		syncApi(url).listSources(),
		syncApi(url).searchItems(listQuery(search))
	]).catch(listPageError(url));
	// Names for the Source column; a page's items come from a handful of sources at most.
	const shown = new Set(page.items.map((item) => item.source_id));
	return {
		view: 'agent' as const,
		sourceNames: sources
			.filter((source) => shown.has(source.id))
			.map((source) => [source.id, source.name] as [number, string]),
		search,
		page,
		readAt
	};
};

export const actions: Actions = itemActions;

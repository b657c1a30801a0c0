import { syncApi } from '$lib/server/sync-api/configured';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { itemActions } from '$lib/server/sync-api/actions/items';
import { listQuery, readSearch } from '$lib/item-search';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = Number(params.id);
	const search = readSearch(url);
	const readAt = Date.now();
	const [source, page] = await Promise.all([
		syncApi(url).getSource({ id }),
		syncApi(url).listSourceItems({ id, ...listQuery(search) })
	]).catch(listPageError(url));
	return { source: { id: source.id, name: source.name }, search, page, readAt };
};

export const actions: Actions = itemActions;

import { syncApi } from '$lib/server/api';
import { listPageError } from '$lib/server/errors';
import { prioritizeAction, resetAction } from '../../../items/items.server';
import { listQuery, readSearch } from '../../../items/search';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = Number(params.id);
	const search = readSearch(url);
	const [source, page] = await Promise.all([
		syncApi.getSource({ id }),
		syncApi.listSourceItems({ id, ...listQuery(search) })
	]).catch(listPageError(url));
	return { source: { id: source.id, name: source.name }, search, page };
};

export const actions: Actions = {
	prioritize: ({ request, params }) => prioritizeAction(request, Number(params.id)),
	reset: ({ request, params }) => resetAction(request, Number(params.id))
};

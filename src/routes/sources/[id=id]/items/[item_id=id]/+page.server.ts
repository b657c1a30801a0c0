import { itemActions } from '$lib/server/sync-api/actions/items';
import { reportAction } from '$lib/server/sync-api/actions/report';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { Actions, PageServerLoad } from './$types';

function target(params: { id: string; item_id: string }) {
	return { id: Number(params.id), item_id: Number(params.item_id) };
}

export const load: PageServerLoad = async ({ params }) => {
	const { id, item_id } = target(params);
	const [source, item] = await Promise.all([
		syncApi.getSource({ id }),
		syncApi.getItem({ id, item_id })
	]).catch(pageError);
	return { source: { id: source.id, name: source.name }, item };
};

export const actions: Actions = {
	...itemActions,
	report: ({ params, request }) =>
		reportAction(request, (body) => syncApi.reportItemError({ ...target(params), ...body }))
};

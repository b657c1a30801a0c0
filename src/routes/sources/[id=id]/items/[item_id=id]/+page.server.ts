import { reportAction } from '$lib/server/actions';
import { syncApi } from '$lib/server/api';
import { act, pageError } from '$lib/server/errors';
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
	prioritize: ({ params }) =>
		act(
			() => syncApi.prioritizeItem(target(params)),
			(item) => `Item ${item.id} prioritized`
		),
	reset: ({ params }) =>
		act(
			() => syncApi.resetItem(target(params)),
			(item) => `Item ${item.id} reset`
		),
	report: ({ params, request }) =>
		reportAction(request, (body) => syncApi.reportItemError({ ...target(params), ...body }))
};

import { fail, type RequestEvent } from '@sveltejs/kit';
import { syncApi } from '../configured';
import { act } from '../failure-mapping';

function formId(value: FormDataEntryValue | null): number | null {
	return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}

/**
 * The item an action acts on: the URL's (`/sources/<id>/items/<item_id>`), else the row's form
 * (`item_id`, and `source_id` unless the URL names the source).
 */
async function itemOf({ params, request }: RequestEvent) {
	if (params.id && params.item_id)
		return { id: Number(params.id), item_id: Number(params.item_id) };
	const data = await request.formData();
	const item_id = formId(data.get('item_id'));
	const id = params.id ? Number(params.id) : formId(data.get('source_id'));
	return item_id && id ? { id, item_id } : null;
}

const noItem = () => fail(400, { message: 'The form did not say which item' });

/** Prioritize and reset of an item, for the item lists and the item's own page. */
export const itemActions = {
	prioritize: async (event: RequestEvent) => {
		const target = await itemOf(event);
		if (!target) return noItem();
		return act(
			() => syncApi.prioritizeItem(target),
			(item) => `Item ${item.id} prioritized`
		);
	},
	reset: async (event: RequestEvent) => {
		const target = await itemOf(event);
		if (!target) return noItem();
		return act(
			() => syncApi.resetItem(target),
			(item) => `Item ${item.id} reset`
		);
	}
};

import { fail, type RequestEvent } from '@sveltejs/kit';
import type { Item } from '$lib/contract';
import type { SyncApiClient } from '../client';
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

/** An action on the item `itemOf` finds; `done` says what happened to it. */
function itemAction(
	call: (target: { id: number; item_id: number }, api: SyncApiClient) => Promise<Item>,
	done: string
) {
	return async (event: RequestEvent) => {
		const target = await itemOf(event);
		if (!target) return fail(400, { message: 'The form did not say which item' });
		return act(
			() => call(target, syncApi(event.url)),
			(item) => `Item ${item.id} ${done}`
		);
	};
}

/** Prioritize and reset of an item, for the item lists and the item's own page. */
export const itemActions = {
	prioritize: itemAction((item, api) => api.prioritizeItem(item), 'prioritized'),
	reset: itemAction((item, api) => api.resetItem(item), 'reset')
};

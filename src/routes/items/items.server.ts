import { fail } from '@sveltejs/kit';
import { syncApi } from '$lib/server/api';
import { act } from '$lib/server/errors';

function formId(value: FormDataEntryValue | null): number | null {
	return typeof value === 'string' && /^[1-9]\d{0,14}$/.test(value) ? Number(value) : null;
}

/** The item a row's form names (`item_id`, and `source_id` unless the page is one source's). */
async function itemOf(request: Request, sourceId?: number) {
	const data = await request.formData();
	const item_id = formId(data.get('item_id'));
	const id = sourceId ?? formId(data.get('source_id'));
	return item_id && id ? { id, item_id } : null;
}

const noItem = () => fail(400, { message: 'The form did not say which item' });

/** The `prioritize` form action of an item list. */
export async function prioritizeAction(request: Request, sourceId?: number) {
	const target = await itemOf(request, sourceId);
	if (!target) return noItem();
	return act(
		() => syncApi.prioritizeItem(target),
		(item) => `Item ${item.id} prioritized`
	);
}

/** The `reset` form action of an item list. */
export async function resetAction(request: Request, sourceId?: number) {
	const target = await itemOf(request, sourceId);
	if (!target) return noItem();
	return act(
		() => syncApi.resetItem(target),
		(item) => `Item ${item.id} reset`
	);
}

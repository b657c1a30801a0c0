import type { Item } from '$lib/contract';

/** A live item as the overview and the live status show it. */
export type LiveItem = Pick<Item, 'id' | 'source_id' | 'data_identifier' | 'live_fill'>;

/** The live items the status reads: newest first, as many as a lab measures at once and more. */
export const LIVE_ITEMS_QUERY = {
	is_live: true,
	order_by: 'id',
	order: 'desc',
	limit: 100
} as const;

/** Every live item, or the newest ones (`complete` false) when there are more than the query's limit. */
export interface LiveItems {
	items: LiveItem[];
	complete: boolean;
}

export function liveItemsOf(page: { items: Item[]; next_cursor: string | null }): LiveItems {
	return {
		items: page.items.map(({ id, source_id, data_identifier, live_fill }) => ({
			id,
			source_id,
			data_identifier,
			live_fill
		})),
		complete: page.next_cursor === null
	};
}

/**
 * An item as the pushed status has it now: live with its latest fill while the status lists
 * it, no longer live once a complete list leaves it out; as loaded without one.
 */
export function withLiveState<T extends Item>(item: T, pushed: LiveItems | null): T {
	if (!pushed) return item;
	const live = pushed.items.find((entry) => entry.id === item.id);
	if (live) return { ...item, live: true, live_fill: live.live_fill };
	return item.live && pushed.complete ? { ...item, live: false, live_fill: null } : item;
}

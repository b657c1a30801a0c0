import type { Item } from '$lib/contract';

export type ItemStatus = 'synced' | 'failed' | 'pending' | 'live';

/** One word for where an item stands; an error outweighs the rest. */
export function itemStatus(item: Item): ItemStatus {
	if (!item.synchronized && item.error !== null) return 'failed';
	if (item.live) return 'live';
	return item.synchronized ? 'synced' : 'pending';
}

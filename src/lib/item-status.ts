import type { Item } from '$lib/contract';

export type ItemStatus = 'synced' | 'failed' | 'pending' | 'live' | 'missing';

/** One word for where an item stands; missing outweighs the rest, then an error. */
export function itemStatus(item: Item): ItemStatus {
	if (item.missing) return 'missing';
	if (!item.synchronized && item.error !== null) return 'failed';
	if (item.live) return 'live';
	return item.synchronized ? 'synced' : 'pending';
}

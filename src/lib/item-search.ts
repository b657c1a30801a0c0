/**
 * The item search as it reads in a bookmarkable URL (`?q=&synchronized=&sort=&cursor=`),
 * shared by the items of one source and the items of every source.
 */
export const sortOptions = [
	{ value: 'id-desc', label: 'Newest first' },
	{ value: 'id', label: 'Oldest first' },
	{ value: 'last_update-desc', label: 'Recently updated' },
	{ value: 'last_update', label: 'Least recently updated' },
	{ value: 'priority-desc', label: 'Highest priority' },
	{ value: 'priority', label: 'Lowest priority' },
	{ value: 'data_identifier', label: 'Data identifier A–Z' },
	{ value: 'data_identifier-desc', label: 'Data identifier Z–A' }
] as const;

export type SortValue = (typeof sortOptions)[number]['value'];
export type OrderBy = 'id' | 'data_identifier' | 'last_update' | 'priority';

/** The sync API's default order: newest items first. */
export const defaultSort: SortValue = 'id-desc';

export interface ItemSearch {
	/** Substring of the data identifier. */
	q: string;
	synchronized: 'true' | 'false' | '';
	sort: SortValue;
	cursor: string | null;
}

/** The search in a URL; values that mean nothing fall back to the defaults. */
export function readSearch(url: URL): ItemSearch {
	const params = url.searchParams;
	const synchronized = params.get('synchronized') ?? '';
	const sort = params.get('sort') ?? '';
	return {
		// The sync API takes at most 200 characters.
		q: (params.get('q') ?? '').trim().slice(0, 200),
		synchronized: synchronized === 'true' || synchronized === 'false' ? synchronized : '',
		sort: sortOptions.find((option) => option.value === sort)?.value ?? defaultSort,
		cursor: params.get('cursor') || null
	};
}

/** The search as the sync API's list query. */
export function listQuery(search: ItemSearch) {
	const [orderBy, direction] = search.sort.split('-') as [OrderBy, string | undefined];
	const order: 'asc' | 'desc' = direction === 'desc' ? 'desc' : 'asc';
	return {
		query: search.q || undefined,
		is_synchronized: search.synchronized === '' ? undefined : search.synchronized === 'true',
		order_by: orderBy,
		order,
		cursor: search.cursor ?? undefined
	};
}

/** What the search narrows to, for titles: `not synced, matching "run"`; '' when nothing. */
export function describeSearch(search: ItemSearch): string {
	const parts: string[] = [];
	if (search.synchronized) parts.push(search.synchronized === 'true' ? 'synced' : 'not synced');
	if (search.q) parts.push(`matching “${search.q}”`);
	return parts.join(', ');
}

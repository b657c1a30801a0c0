/**
 * The item search as it reads in a bookmarkable URL (`?q=&status=&sort=&cursor=`, and
 * `failed_since=&failed_until=` for the items that failed then), shared by the items of one
 * source and the items of every source.
 */
import { formatAbsolute } from '$lib/time';

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

/** Not synced: waiting or failed; a missing item waits for nothing, so it is apart. */
export const statusOptions = [
	{ value: '', label: 'All items' },
	{ value: 'synced', label: 'Synced' },
	{ value: 'not-synced', label: 'Not synced' },
	{ value: 'live', label: 'Being measured' },
	{ value: 'missing', label: 'Missing' }
] as const;

export type StatusValue = (typeof statusOptions)[number]['value'];
export type OrderBy = 'id' | 'data_identifier' | 'last_update' | 'priority';

/** The sync API's default order: newest items first. */
export const defaultSort: SortValue = 'id-desc';

export interface ItemSearch {
	/** Substring of the data identifier. */
	q: string;
	status: StatusValue;
	sort: SortValue;
	cursor: string | null;
	/** Only the items a sync of which failed in this time (a failure bar of the history). */
	failed: { since: string; until: string } | null;
	/** Only the failed items of one failure group (a group on the Errors page). */
	group: string | null;
}

/** An ISO time from the URL, or null when it is none. */
function timeParam(params: URLSearchParams, name: string): string | null {
	const value = params.get(name);
	return value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null;
}

/** How links said it before items could be missing: `synchronized=true|false`. */
const olderStatus: Record<string, StatusValue> = { true: 'synced', false: 'not-synced' };

/** The search in a URL; values that mean nothing fall back to the defaults. */
export function readSearch(url: URL): ItemSearch {
	const params = url.searchParams;
	const status = params.get('status') ?? olderStatus[params.get('synchronized') ?? ''];
	const sort = params.get('sort') ?? '';
	return {
		// The sync API takes at most 200 characters.
		q: (params.get('q') ?? '').trim().slice(0, 200),
		status: statusOptions.find((option) => option.value === status)?.value ?? '',
		sort: sortOptions.find((option) => option.value === sort)?.value ?? defaultSort,
		cursor: params.get('cursor') || null,
		failed: failedIn(params),
		group: /^[0-9a-f]{16}$/.test(params.get('group') ?? '') ? params.get('group') : null
	};
}

function failedIn(params: URLSearchParams): ItemSearch['failed'] {
	const since = timeParam(params, 'failed_since');
	if (!since) return null;
	return { since, until: timeParam(params, 'failed_until') ?? new Date().toISOString() };
}

const statusQueries: Record<
	StatusValue,
	{ is_synchronized?: boolean; is_missing?: boolean; is_live?: boolean }
> = {
	'': {},
	synced: { is_synchronized: true },
	'not-synced': { is_synchronized: false, is_missing: false },
	live: { is_live: true },
	missing: { is_missing: true }
};

/** The search as the sync API's list query. */
export function listQuery(search: ItemSearch) {
	const [orderBy, direction] = search.sort.split('-') as [OrderBy, string | undefined];
	const order: 'asc' | 'desc' = direction === 'desc' ? 'desc' : 'asc';
	return {
		query: search.q || undefined,
		...statusQueries[search.status],
		order_by: orderBy,
		order,
		cursor: search.cursor ?? undefined,
		failed_since: search.failed?.since,
		failed_until: search.failed?.until,
		failure_group: search.group ?? undefined
	};
}

/** What the search narrows to, for titles: `not synced, matching "run"`; '' when nothing. */
export function describeSearch(search: ItemSearch): string {
	const parts: string[] = [];
	if (search.status) parts.push(search.status.replace('-', ' '));
	if (search.q) parts.push(`matching “${search.q}”`);
	if (search.group) parts.push('failed of one cause');
	if (search.failed)
		parts.push(
			`failed between ${formatAbsolute(search.failed.since)} and ${formatAbsolute(search.failed.until)}`
		);
	return parts.join(', ');
}

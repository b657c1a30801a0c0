import type { ErrorCounts } from '$lib/contract';
import { syncApi } from '$lib/server/sync-api/configured';
import { inboxActions, type ErrorOwners } from '$lib/server/sync-api/actions/inbox';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { errorListQuery } from '$lib/server/sync-api/error-list-query';
import type { Actions, PageServerLoad } from './$types';

/** The inbox's filters: `level=agent|source` and `source=<id>`. */
function filters(url: URL) {
	const level = url.searchParams.get('level');
	const source = Number(url.searchParams.get('source'));
	return {
		level: level === 'agent' || level === 'source' ? (level as 'agent' | 'source') : undefined,
		source_id: Number.isInteger(source) && source > 0 ? source : undefined
	};
}

/** Whose errors the filters cover (sources with unread errors only): what "mark all" flips. */
function ownersOf(
	{ level, source_id }: ReturnType<typeof filters>,
	counts: ErrorCounts
): ErrorOwners {
	if (source_id) return { agent: false, sources: [source_id] };
	return {
		agent: level !== 'source',
		sources:
			level === 'agent' ? [] : counts.sources.filter((c) => c.unread > 0).map((c) => c.source_id)
	};
}

export const load: PageServerLoad = async ({ url }) => {
	const { level, source_id } = filters(url);
	const [page, sources, counts] = await Promise.all([
		syncApi(url).listErrors({ ...errorListQuery(url), level, source_id }),
		syncApi(url).listSources(),
		syncApi(url).getErrorCounts()
	]).catch(listPageError(url));
	const owners = ownersOf({ level, source_id }, counts);
	const unread =
		(owners.agent ? counts.agent.unread : 0) +
		counts.sources
			.filter((c) => owners.sources.includes(c.source_id))
			.reduce((n, c) => n + c.unread, 0);
	return {
		errors: page.items,
		nextCursor: page.next_cursor,
		unread,
		sources: sources.map((s) => ({ id: s.id, name: s.name })),
		filters: { level: level ?? '', source: source_id ?? '' }
	};
};

export const actions: Actions = inboxActions(async ({ url }) =>
	ownersOf(filters(url), await syncApi(url).getErrorCounts())
);

import { syncApi } from '$lib/server/api';
import { errorActions } from '$lib/server/error-actions';
import { listPageError } from '$lib/server/errors';
import { errorListQuery } from '$lib/server/query';
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

export const load: PageServerLoad = async ({ url }) => {
	const { level, source_id } = filters(url);
	const [page, sources, counts] = await Promise.all([
		syncApi.listErrors({ ...errorListQuery(url), level, source_id }),
		syncApi.listSources(),
		syncApi.getErrorCounts()
	]).catch(listPageError(url));
	const inScope = counts.sources.filter((c) =>
		source_id ? c.source_id === source_id : level !== 'agent'
	);
	const unread =
		(level === 'source' || source_id ? 0 : counts.agent.unread) +
		inScope.reduce((n, c) => n + c.unread, 0);
	return {
		errors: page.items,
		nextCursor: page.next_cursor,
		unread,
		sources: sources.map((s) => ({ id: s.id, name: s.name })),
		filters: { level: level ?? '', source: source_id ?? '' }
	};
};

export const actions: Actions = errorActions(async ({ url }) => {
	const { level, source_id } = filters(url);
	if (source_id) return { agent: false, sources: [source_id] };
	const counts = await syncApi.getErrorCounts();
	return {
		agent: level !== 'source',
		sources:
			level === 'agent' ? [] : counts.sources.filter((c) => c.unread > 0).map((c) => c.source_id)
	};
});

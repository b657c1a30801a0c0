import type { ErrorCounts } from '$lib/contract';
import { syncApi } from '$lib/server/sync-api/configured';
import { inboxActions, type ErrorOwners } from '$lib/server/sync-api/actions/inbox';
import { fail } from '@sveltejs/kit';
import { plural } from '$lib/plural';
import { act, listPageError } from '$lib/server/sync-api/failure-mapping';
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
	const [page, sources, counts, groups] = await Promise.all([
		syncApi(url).listErrors({ ...errorListQuery(url), level, source_id }),
		syncApi(url).listSources(),
		syncApi(url).getErrorCounts(),
		// A sync API without groups (the Python agent's) still has its inbox.
		level === 'agent'
			? []
			: syncApi(url)
					.listFailureGroups({ source_id })
					.catch(() => [])
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
		groups,
		filters: { level: level ?? '', source: source_id ?? '' }
	};
};

export const actions: Actions = {
	...inboxActions(async ({ url }) => ownersOf(filters(url), await syncApi(url).getErrorCounts())),
	/** Resets the failed items of one failure group (the filtered source's only, if any). */
	resetGroup: async ({ request, url }) => {
		const form = await request.formData();
		const fingerprint = String(form.get('fingerprint') ?? '');
		const source = Number(form.get('source_id'));
		if (!/^[0-9a-f]{16}$/.test(fingerprint))
			return fail(400, { message: 'The form did not say which failures; reload the page.' });
		return act(
			() =>
				syncApi(url).resetFailureGroup({
					fingerprint,
					source_id: Number.isInteger(source) && source > 0 ? source : undefined
				}),
			({ count }) => `Reset ${plural(count, 'item')}: each will be synced again`
		);
	}
};

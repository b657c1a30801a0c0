import { SourceStatus, sourceSummary } from '$lib/contract';
import { sourceRunActions } from '$lib/server/sync-api/actions/run';
import { syncApi } from '$lib/server/sync-api/configured';
import { backendCatalog } from '$lib/server/sync-api/catalog';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const status = SourceStatus.safeParse(url.searchParams.get('status')).data;
	const backend = url.searchParams.get('backend') || undefined;
	const readAt = Date.now();
	const [sources, backends, counts] = await Promise.all([
		syncApi(url).listSources({ status, backend }),
		backendCatalog(url),
		syncApi(url).getErrorCounts()
	]).catch(pageError);
	return {
		sources: sources.map(sourceSummary),
		backends: backends.map((b) => ({ identifier: b.identifier, name: b.name })),
		unread: Object.fromEntries(counts.sources.map((c) => [c.source_id, c.unread])),
		filters: { status: status ?? '', backend: backend ?? '' },
		readAt
	};
};

export const actions: Actions = sourceRunActions;

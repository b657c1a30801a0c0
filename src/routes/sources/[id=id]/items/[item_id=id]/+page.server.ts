import { SyncFileStatus } from '$lib/contract';
import { itemActions } from '$lib/server/sync-api/actions/items';
import { reportAction } from '$lib/server/sync-api/actions/report';
import { syncApi } from '$lib/server/sync-api/configured';
import { listPageError } from '$lib/server/sync-api/failure-mapping';
import { previewView } from '$lib/server/preview-image';
import type { Actions, PageServerLoad } from './$types';

/** Files shown at once: a record may list 150,000. */
const FILES_PER_PAGE = 100;

function target(params: { id: string; item_id: string }) {
	return { id: Number(params.id), item_id: Number(params.item_id) };
}

export const load: PageServerLoad = async ({ params, url }) => {
	const { id, item_id } = target(params);
	// `?file_status=ERROR`: the files of one status; anything else shows them all.
	const fileStatus = SyncFileStatus.safeParse(url.searchParams.get('file_status')).data ?? null;
	const readAt = Date.now();
	const variable = url.searchParams.get('variable') || undefined;
	const [source, item, files, preview] = await Promise.all([
		syncApi(url).getSource({ id }),
		syncApi(url).getItem({ id, item_id }),
		syncApi(url).listItemFiles({
			id,
			item_id,
			status: fileStatus ?? undefined,
			cursor: url.searchParams.get('cursor') || undefined,
			limit: FILES_PER_PAGE
		}),
		// A preview that cannot be had (another sync API) leaves the page as it was.
		syncApi(url)
			.getItemPreview({ id, item_id, variable })
			.then(previewView, (error: unknown) => ({ failed: (error as Error).message }))
	]).catch(listPageError(url));
	return {
		source: { id: source.id, name: source.name },
		item,
		fileStatus,
		files,
		preview,
		readAt
	};
};

export const actions: Actions = {
	...itemActions,
	report: ({ params, request, url }) =>
		reportAction(request, (body) => syncApi(url).reportItemError({ ...target(params), ...body }))
};

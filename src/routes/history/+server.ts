import { error, json } from '@sveltejs/kit';
import { readHistoryView, type HistoryOf } from '$lib/server/sync-api/history';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { RequestHandler } from './$types';

/**
 * `GET /history?page=<path and query>&of=sources|cycles|<source id>`: the history charts of
 * that page as its load made them, for the page to refresh them when the live status says
 * there is more (a reload of the page would lose what a form just said).
 */
export const GET: RequestHandler = async ({ url }) => {
	const page = url.searchParams.get('page') ?? '';
	const of = url.searchParams.get('of') ?? '';
	if (!page.startsWith('/') || page.startsWith('//')) error(400, 'Which page? `page` is its path');
	const sourceId = Number(of);
	const whose: HistoryOf | null =
		of === 'sources' || of === 'cycles'
			? of
			: Number.isSafeInteger(sourceId) && sourceId > 0
				? { sourceId }
				: null;
	if (!whose) error(400, 'Whose history? `of` is sources, cycles or a source id');
	const view = await readHistoryView(new URL(page, url), whose).catch(pageError);
	return json(view, { headers: { 'cache-control': 'no-store' } });
};

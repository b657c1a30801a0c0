import { historyQuery, historyView, readHistoryRange, type HistoryView } from '$lib/history-view';
import { onSameAgent } from '$lib/agent-path';
import { syncApi } from './configured';

/** Whose history a page charts: every source's outcomes, one source's, or the agent's cycles. */
export type HistoryOf = { sourceId: number } | 'sources' | 'cycles';

/**
 * The history charts of the page at `url` (its `?history=` range), as its load and the
 * charts' refresh (`/history`) both read them.
 */
export async function readHistoryView(url: URL, of: HistoryOf): Promise<HistoryView> {
	const range = readHistoryRange(url);
	const sourceId = typeof of === 'object' ? of.sourceId : undefined;
	const history = await syncApi(url).getSyncHistory(historyQuery(range, sourceId));
	return historyView(history, url, {
		itemsPath: onSameAgent(
			url.pathname,
			sourceId === undefined ? '/items' : `/sources/${sourceId}/items`
		),
		cycles: of === 'cycles'
	});
}

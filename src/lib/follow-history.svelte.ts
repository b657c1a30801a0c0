import { page } from '$app/state';
import { agentHref } from '$lib/agent-href';
import type { HistoryView } from '$lib/history-view';

/** At most one refresh of the charts this often, however busy the agent. */
const REFRESH_EVERY_MS = 5_000;

/**
 * A page's history charts, refreshed (from `/history`) when `moved` says the history grew (the
 * live status's count of outcomes, or of cycles): at most every 5 s, the last change never
 * dropped. Only the charts are read again: a reload of the page would lose what a form on it
 * just said. Without JavaScript, or before a change, the page's load.
 */
export function followHistory(
	loaded: () => HistoryView,
	of: () => string,
	moved: () => number | undefined
) {
	// Raw: `for` is compared by identity with the load's view, which a proxy would not be.
	let refreshed = $state.raw<{ for: HistoryView; view: HistoryView } | null>(null);
	let seen: number | undefined;
	let timer: ReturnType<typeof setTimeout> | undefined;
	let last = 0;

	const refresh = async () => {
		timer = undefined;
		last = Date.now();
		const asked = loaded();
		const at = encodeURIComponent(page.url.pathname + page.url.search);
		const response = await fetch(
			agentHref(`/history?page=${at}&of=${encodeURIComponent(of())}`)
		).catch(() => null);
		const view: HistoryView | null = response?.ok ? await response.json().catch(() => null) : null;
		// A failed refresh leaves the charts as they are; the next change tries again.
		if (view && asked === loaded()) refreshed = { for: asked, view };
	};

	$effect(() => {
		const count = moved();
		if (count === undefined || count === seen) return;
		const first = seen === undefined;
		seen = count;
		if (first || timer) return;
		timer = setTimeout(refresh, Math.max(0, last + REFRESH_EVERY_MS - Date.now()));
	});
	$effect(() => () => clearTimeout(timer));

	return {
		get current(): HistoryView {
			const view = loaded();
			return refreshed?.for === view ? refreshed.view : view;
		}
	};
}

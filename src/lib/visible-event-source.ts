/** Closed after this long hidden; opened again when the tab shows. */
const HIDDEN_CLOSE_MS = 60_000;

/**
 * Keeps an event stream open while the tab shows: `connect` opens it, at once and again when
 * the tab shows after a minute hidden closed it (`onHiddenClose` is told), so a tab left in
 * the background holds no stream. Returns how to close it for good.
 */
export function openWhileVisible(
	connect: () => EventSource,
	onHiddenClose: () => void = () => {}
): () => void {
	let source: EventSource | null = connect();
	let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
	const close = () => {
		source?.close();
		source = null;
	};
	const onVisibility = () => {
		clearTimeout(hiddenTimer);
		if (document.visibilityState === 'hidden') {
			hiddenTimer = setTimeout(() => {
				close();
				onHiddenClose();
			}, HIDDEN_CLOSE_MS);
		} else if (!source) {
			source = connect();
		}
	};
	document.addEventListener('visibilitychange', onVisibility);
	return () => {
		document.removeEventListener('visibilitychange', onVisibility);
		clearTimeout(hiddenTimer);
		close();
	};
}

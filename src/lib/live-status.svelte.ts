import type { StatusUpdate } from '$lib/status-snapshot';

/** Closed after this long hidden; reopened when the tab shows again. */
const HIDDEN_CLOSE_MS = 60_000;

/**
 * The tab's one stream of live status (`/live`), shared by every page that shows status and
 * opened by the first of them. Without JavaScript nothing opens and pages show their load.
 */
class LiveStatus {
	update = $state<StatusUpdate | null>(null);
	#source: EventSource | null = null;
	#users = 0;
	#hiddenTimer: ReturnType<typeof setTimeout> | undefined;

	/** For a page's `$effect`: opens the stream for the page, closes it after the last one. */
	use(): () => void {
		if (this.#users++ === 0) {
			this.#open();
			document.addEventListener('visibilitychange', this.#onVisibility);
		}
		return () => {
			if (--this.#users > 0) return;
			document.removeEventListener('visibilitychange', this.#onVisibility);
			clearTimeout(this.#hiddenTimer);
			this.#close();
		};
	}

	/**
	 * A page's load just ran (after an action, say): its data is newer than the last pushed
	 * snapshot, which is dropped until the next change arrives.
	 */
	fresher(data: unknown) {
		void data;
		this.update = null;
	}

	#open() {
		const source = new EventSource('/live');
		source.addEventListener('status', (event) => {
			this.update = JSON.parse((event as MessageEvent).data) as StatusUpdate;
		});
		this.#source = source;
	}

	#close() {
		this.#source?.close();
		this.#source = null;
		this.update = null;
	}

	#onVisibility = () => {
		clearTimeout(this.#hiddenTimer);
		if (document.visibilityState === 'hidden') {
			this.#hiddenTimer = setTimeout(() => this.#close(), HIDDEN_CLOSE_MS);
		} else if (!this.#source) {
			this.#open();
		}
	};
}

const liveStatus = new LiveStatus();

/**
 * For a page that shows status: opens the tab's stream while the page is shown, and gives the
 * latest snapshot (null until one arrives, or while the sync API does not answer; the page
 * shows its load's data then). A new load of the page drops an older snapshot.
 */
export function liveSnapshot(data: () => unknown) {
	$effect(() => liveStatus.use());
	$effect.pre(() => liveStatus.fresher(data()));
	return {
		get current() {
			const update = liveStatus.update;
			return update && 'agent' in update ? update : null;
		}
	};
}

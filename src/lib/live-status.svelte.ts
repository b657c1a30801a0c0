import { createSubscriber } from 'svelte/reactivity';
import type { StatusSnapshot, StatusUpdate } from '$lib/status-snapshot';
import { openWhileVisible } from '$lib/visible-event-source';

/**
 * The tab's one stream of live status (`/live`), open while any page shows status, shared by
 * all of them. Without JavaScript nothing opens and pages show their load.
 */
class LiveStatus {
	#update: StatusUpdate | null = null;
	#subscribe = createSubscriber((changed) => {
		const set = (update: StatusUpdate | null) => {
			this.#update = update;
			changed();
		};
		const stop = openWhileVisible(
			() => {
				const source = new EventSource('/live');
				source.addEventListener('status', (event) => set(JSON.parse(event.data)));
				return source;
			},
			() => set(null)
		);
		return () => {
			stop();
			this.#update = null;
		};
	});

	/** The latest snapshot; null before one arrives and while the sync API does not answer. */
	get snapshot(): StatusSnapshot | null {
		this.#subscribe();
		const update = this.#update;
		return update && 'agent' in update ? update : null;
	}
}

const liveStatus = new LiveStatus();

/**
 * For a page that shows status: the pushed snapshot while it is newer than the page's load
 * (`readAt`, when the load began reading), else null and the page shows its load.
 */
export function liveSnapshot(readAt: () => number) {
	const current = $derived.by(() => {
		const snapshot = liveStatus.snapshot;
		return snapshot && snapshot.readAt > readAt() ? snapshot : null;
	});
	return {
		get current() {
			return current;
		}
	};
}

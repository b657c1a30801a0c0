import { createSubscriber } from 'svelte/reactivity';
import { page } from '$app/state';
import { baseOf, underBase } from '$lib/agent-path';
import type { StatusSnapshot, StatusUpdate } from '$lib/status-snapshot';
import { openWhileVisible } from '$lib/visible-event-source';

/**
 * The tab's one stream of an agent's live status (`<agent>/live`), open while any page shows
 * that agent's status, shared by all of them. Without JavaScript nothing opens and pages show
 * their load.
 */
class LiveStatus {
	constructor(readonly url: string) {}

	#update: StatusUpdate | null = null;
	#subscribe = createSubscriber((changed) => {
		const set = (update: StatusUpdate | null) => {
			this.#update = update;
			changed();
		};
		const stop = openWhileVisible(
			() => {
				const source = new EventSource(this.url);
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

/** One per agent the tab has shown, by its base (see $lib/agent-path). */
// eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache; each stream is reactive itself
const liveStatuses = new Map<string, LiveStatus>();

function liveStatusOf(base: string): LiveStatus {
	let status = liveStatuses.get(base);
	if (!status) liveStatuses.set(base, (status = new LiveStatus(underBase(base, '/live'))));
	return status;
}

/**
 * For a page that shows its agent's status: the pushed snapshot while it is newer than the page's load
 * (`readAt`, when the load began reading), else null and the page shows its load.
 */
export function liveSnapshot(readAt: () => number) {
	const current = $derived.by(() => {
		// A lab-wide page (no agent) has no agent's stream to follow.
		if (!page.data.thisAgent) return null;
		const snapshot = liveStatusOf(baseOf(page.url.pathname)).snapshot;
		return snapshot && snapshot.readAt > readAt() ? snapshot : null;
	});
	return {
		get current() {
			return current;
		}
	};
}

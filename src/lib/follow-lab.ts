import { createSubscriber } from 'svelte/reactivity';
import type { AgentRow } from '$lib/lab-view';
import { openWhileVisible } from '$lib/visible-event-source';

type LabUpdate = { rows: AgentRow[]; readAt: number } | { unreachable: string };

/**
 * The lab overview's rows, following every agent while the page is open: the lab's stream
 * (`/live` on the lab's address) pushes them when any changes. Without JavaScript, or until a
 * newer push than the page's load (`readAt`), the load's rows.
 */
export function followLab(loaded: () => { rows: AgentRow[]; readAt: number }) {
	let pushed: { rows: AgentRow[]; readAt: number } | null = null;
	const subscribe = createSubscriber((changed) =>
		openWhileVisible(() => {
			const source = new EventSource('/live');
			source.addEventListener('lab', (event) => {
				const update: LabUpdate = JSON.parse(event.data);
				if ('rows' in update) {
					pushed = update;
					changed();
				}
			});
			return source;
		})
	);
	return {
		get rows(): AgentRow[] {
			subscribe();
			const load = loaded();
			return pushed && pushed.readAt > load.readAt ? pushed.rows : load.rows;
		}
	};
}

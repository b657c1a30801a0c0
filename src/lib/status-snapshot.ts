import type { AgentStatus, ErrorCounts } from '$lib/contract';
import type { LiveItems } from '$lib/live-items';
import type { SourceSummary } from '$lib/contract';

/**
 * What the live pages show: the agent, every source (no settings), the error counts, the
 * items being measured.
 */
export interface StatusSnapshot {
	agent: AgentStatus;
	sources: SourceSummary[];
	counts: ErrorCounts;
	live: LiveItems;
	/**
	 * When the dashboard server began reading it (its clock, ms): a page shows the newer of its
	 * load and the pushed snapshot.
	 */
	readAt: number;
}

/** What `/live` pushes: a snapshot, or why there is none. */
export type StatusUpdate = StatusSnapshot | { unreachable: string };

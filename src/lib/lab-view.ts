/**
 * The lab overview's view of each agent, as the server reads it and the page shows it (zod-free:
 * the browser loads it).
 */
import type { AgentStatus, Item, SourceStatus } from '$lib/contract';

export interface ReachableAgentRow {
	name: string;
	/** Where its pages start. */
	base: string;
	reachable: true;
	status: AgentStatus['status'];
	iterations: number;
	lastUpdate: string | null;
	/** Sources by status, only the statuses some source has. */
	sources: { status: SourceStatus; count: number }[];
	items: { total: number; synced: number; failed: number; missing: number };
	unreadErrors: number;
	/** Datasets being measured now: the first page's count, and whether there are more. */
	liveItems: { count: number; more: boolean };
	/** Datasets synced and failed per hour over the last 24 h, oldest first; null without history. */
	lastDay: { synced: number; failed: number }[] | null;
}

export interface UnreachableAgentRow {
	name: string;
	base: string;
	reachable: false;
	/** When the dashboard first found it not answering (ISO time), and what it got. */
	since: string;
	message: string;
}

export type AgentRow = ReachableAgentRow | UnreachableAgentRow;

/** How bad an agent's state is, for putting the worst first: higher is worse. */
export function severity(row: AgentRow): number {
	if (!row.reachable) return 4_000_000_000;
	const stopped = row.status === 'running' ? 0 : 2_000_000_000;
	const failing = row.sources.some((s) => s.status === 'error') ? 1_000_000_000 : 0;
	return stopped + failing + Math.min(row.items.failed, 999_999) * 1000 + row.unreadErrors;
}

/** One agent's part of a lab-wide item search: its first matches, or why it gave none. */
export type AgentItems = { name: string; base: string } & (
	{ items: Item[]; more: boolean; sourceNames: [number, string][] } | { failed: string }
);

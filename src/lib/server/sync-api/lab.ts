import { historyQuery } from '$lib/history-view';
import { listQuery, type ItemSearch } from '$lib/item-search';
import { severity, type AgentItems, type AgentRow } from '$lib/lab-view';
import { LIVE_ITEMS_QUERY } from '$lib/live-items';
import type { AgentOverview, SourceStatus, SyncHistory } from '$lib/contract';
import { agents, type Agent } from './configured';
import { SyncApiError } from './sync-api-error';

/** Since when each agent has not answered, as this process saw it; absent while it answers. */
const unreachableSince = new Map<Agent, Date>();

/** Agents found without `getAgentOverview` (the Python agent), and when: asked again later. */
const withoutOverview = new Map<Agent, number>();
const ASK_AGAIN_MS = 10 * 60_000;

type Glance = Omit<AgentOverview, 'live_items' | 'history'> & {
	live: { count: number; more: boolean };
	history: SyncHistory | null;
};

/**
 * An agent at a glance: in one call where its sync API has the overview, else in the five it
 * sums up (20 agents' five calls each cost the dashboard twice the time of one call each).
 */
async function glance(agent: Agent): Promise<Glance> {
	const api = agent.glance;
	const day = historyQuery('24h');
	if (Date.now() - (withoutOverview.get(agent) ?? -Infinity) > ASK_AGAIN_MS) {
		try {
			const { since, utc_offset_minutes } = day;
			const { live_items, ...overview } = await api.getAgentOverview({ since, utc_offset_minutes });
			return { ...overview, live: { count: live_items, more: false } };
		} catch (error) {
			const lacking =
				error instanceof SyncApiError && (error.failure === 'invalid' || error.status === 404);
			if (!lacking) throw error;
			withoutOverview.set(agent, Date.now());
		}
	}
	const [status, sources, counts, live, history] = await Promise.all([
		api.getAgentStatus(),
		api.listSources(),
		api.getErrorCounts(),
		api.searchItems(LIVE_ITEMS_QUERY),
		// A sync API without history still has its row.
		api.getSyncHistory(day).catch(() => null)
	]);
	return {
		status,
		sources,
		error_counts: counts,
		live: { count: live.items.length, more: live.next_cursor !== null },
		history
	};
}

/**
 * One agent's row of the lab overview. Each agent is asked with its own timeout, so one that
 * hangs costs the page that timeout and never another agent's answer.
 */
async function readRow(agent: Agent): Promise<AgentRow> {
	try {
		const { status, sources, error_counts: counts, live, history } = await glance(agent);
		unreachableSince.delete(agent);
		const byStatus = new Map<SourceStatus, number>();
		for (const source of sources)
			byStatus.set(source.status, (byStatus.get(source.status) ?? 0) + 1);
		const sum = (key: 'items_total' | 'items_synced' | 'items_failed' | 'items_missing') =>
			sources.reduce((total, source) => total + source[key], 0);
		return {
			name: agent.name,
			base: agent.base,
			reachable: true,
			status: status.status,
			iterations: status.iterations,
			lastUpdate: status.last_update,
			sources: [...byStatus].map(([status, count]) => ({ status, count })),
			items: {
				total: sum('items_total'),
				synced: sum('items_synced'),
				failed: sum('items_failed'),
				missing: sum('items_missing')
			},
			unreadErrors:
				counts.agent.unread + counts.sources.reduce((total, source) => total + source.unread, 0),
			liveItems: live,
			lastDay: history?.buckets.map(({ synced, failed }) => ({ synced, failed })) ?? null
		};
	} catch (error) {
		const since = unreachableSince.get(agent) ?? new Date();
		unreachableSince.set(agent, since);
		return {
			name: agent.name,
			base: agent.base,
			reachable: false,
			since: since.toISOString(),
			message: (error as Error).message
		};
	}
}

/** Every agent's row, all asked at once, the worst first (then by name). */
export async function readLab(): Promise<AgentRow[]> {
	const rows = await Promise.all(agents.map(readRow));
	return rows.sort((a, b) => severity(b) - severity(a) || a.name.localeCompare(b.name));
}

/** Items per agent a lab-wide search shows; the rest are on the agent's own search. */
const LAB_SEARCH_LIMIT = 20;

/** A search of every agent's items at once, each agent's first matches, labelled by agent. */
export function searchLab(search: ItemSearch): Promise<AgentItems[]> {
	const query = { ...listQuery(search), cursor: undefined, limit: LAB_SEARCH_LIMIT };
	return Promise.all(
		agents.map(async (agent): Promise<AgentItems> => {
			const where = { name: agent.name, base: agent.base };
			try {
				const [sources, page] = await Promise.all([
					agent.glance.listSources(),
					agent.glance.searchItems(query)
				]);
				const shown = new Set(page.items.map((item) => item.source_id));
				return {
					...where,
					items: page.items,
					more: page.next_cursor !== null,
					sourceNames: sources
						.filter((source) => shown.has(source.id))
						.map((source) => [source.id, source.name])
				};
			} catch (error) {
				return { ...where, failed: (error as Error).message };
			}
		})
	);
}

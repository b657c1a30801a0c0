import { sourceSummary, type LogService } from '$lib/contract';
import { LIVE_ITEMS_QUERY, liveItemsOf } from '$lib/live-items';
import type { Agent } from '../configured';
import { readLab } from '../lab';
import { LogHub } from './log-hub';
import { StatusHub } from './status-hub';

/** An agent's live streams: one status poller and one follower per log service. */
export interface AgentHubs {
	status: StatusHub;
	logs: Record<LogService, LogHub>;
}

const hubs = new Map<Agent, AgentHubs>();

/** The dashboard process's one set of hubs per agent, made when first asked for. */
export function hubsOf(agent: Agent): AgentHubs {
	let made = hubs.get(agent);
	if (made) return made;
	const api = agent.client;
	made = {
		status: new StatusHub(async () => {
			const [status, sources, counts, live] = await Promise.all([
				api.getAgentStatus(),
				api.listSources(),
				api.getErrorCounts(),
				api.searchItems(LIVE_ITEMS_QUERY)
			]);
			return {
				agent: status,
				sources: sources.map(sourceSummary),
				counts,
				live: liveItemsOf(live)
			};
		}, 1000),
		logs: {
			api: new LogHub('api', () => api),
			sync_agent: new LogHub('sync_agent', () => api)
		}
	};
	hubs.set(agent, made);
	return made;
}

/** A lab's one poller of every agent's row, for the lab overviews open (every 2 s). */
export const labHub = new StatusHub(async () => ({ rows: await readLab() }), 2000);

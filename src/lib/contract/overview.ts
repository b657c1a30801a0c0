import { z } from 'zod';
import { AgentStatus } from './agent';
import { HistoryQuery, SyncHistory } from './history';
import { ErrorCounts } from './inbox';
import { errors, json, type Operation } from './operation';
import { SourceSummary } from './sources';

export const AgentOverviewQuery = HistoryQuery.pick({ since: true, utc_offset_minutes: true });

/**
 * One agent at a glance, in one call: what a lab's overview shows of it (the embedded agent's
 * own operation; a lab of 20 agents makes 20 calls instead of 100). A sync API without it is
 * read with the calls it sums up.
 */
export const AgentOverview = z
	.object({
		status: AgentStatus,
		/** Every source, without its settings. */
		sources: z.array(SourceSummary),
		error_counts: ErrorCounts,
		/** Datasets being measured now. */
		live_items: z.number().int().nonnegative(),
		/** Per hour from `since`, every source's outcomes. */
		history: SyncHistory
	})
	.meta({ id: 'AgentOverview' });

export const overviewOperations = {
	getAgentOverview: {
		method: 'get',
		path: '/api/v1/agent/overview',
		operationId: 'getAgentOverview',
		summary: 'The agent at a glance: status, sources, unread errors, live items, hourly history',
		tags: ['agent'],
		request: { query: AgentOverviewQuery },
		responses: { 200: json(AgentOverview, 'The overview'), ...errors('ValidationError') }
	}
} satisfies Record<string, Operation>;

export type AgentOverview = z.infer<typeof AgentOverview>;

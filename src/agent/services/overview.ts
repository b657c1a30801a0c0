import { sourceSummary, type AgentOverview } from '../../lib/contract';
import type { Db } from '../db/database';
import { readAgentStatus, type AgentProcessState } from './agent-status';
import { errorCounts } from './error-inbox';
import { readHistory, type HistoryLimits } from './history';
import { listSources } from './sources';

/** The agent at a glance (`GET /api/v1/agent/overview`): what five reads would say, in one. */
export function readOverview(
	db: Db,
	supervisor: AgentProcessState,
	query: { since: string; utc_offset_minutes: number },
	limits: HistoryLimits
): AgentOverview {
	const live = db.prepare('SELECT COUNT(*) AS n FROM items WHERE live = 1').get() as { n: number };
	return {
		status: readAgentStatus(db, supervisor),
		sources: listSources(db, {}).map(sourceSummary),
		error_counts: errorCounts(db),
		live_items: live.n,
		history: readHistory(db, { bucket: 'hour', ...query }, limits)
	};
}

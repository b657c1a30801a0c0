import type { AgentStatus } from '../../lib/contract';
import type { Db } from '../db/database';
import type { AgentSupervisor } from '../engine/supervisor';

interface AgentStateRow {
	iterations: number;
	last_update: string | null;
	connection_ok: number;
}

/** `SyncAgent.status()`: the process state from the supervisor, the rest from the database. */
export function readAgentStatus(db: Db, supervisor: AgentSupervisor): AgentStatus {
	const row = db
		.prepare('SELECT iterations, last_update, connection_ok FROM agent_state WHERE id = 1')
		.get() as AgentStateRow;
	const alive = supervisor.running;
	let status: AgentStatus['status'];
	if (alive) status = row.connection_ok ? 'running' : 'no_connection';
	else status = supervisor.wanted ? 'unavailable' : 'stopped';
	return {
		agent_service: alive ? 'running' : 'stopped',
		api_service: 'running',
		status,
		iterations: row.iterations,
		last_update: row.last_update
	};
}

/** What start/stop asked for, restored when the API boots. */
export function setDesiredAgentState(db: Db, desired: 'running' | 'stopped'): void {
	db.prepare('UPDATE agent_state SET desired = ? WHERE id = 1').run(desired);
}

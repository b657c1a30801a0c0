import type { AgentStatus } from '../../lib/contract';
import { now, type Db } from '../db/database';
import { outcomesRecorded } from './history';

interface AgentStateRow {
	iterations: number;
	last_update: string | null;
	connection_ok: number;
}

/** What the API process knows of the agent process (its supervisor). */
export interface AgentProcessState {
	/** The agent process is alive. */
	readonly running: boolean;
	/** Start was asked for and stop was not. */
	readonly wanted: boolean;
}

/** `SyncAgent.status()`: the process state from its supervisor, the rest from the database. */
export function readAgentStatus(db: Db, supervisor: AgentProcessState): AgentStatus {
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
		last_update: row.last_update,
		outcomes_recorded: outcomesRecorded(db)
	};
}

/** What start/stop asked for, restored when the API boots. */
export function setDesiredAgentState(db: Db, desired: 'running' | 'stopped'): void {
	db.prepare('UPDATE agent_state SET desired = ? WHERE id = 1').run(desired);
}

/** One more sync cycle done. */
export function countIteration(db: Db): void {
	db.prepare(
		'UPDATE agent_state SET iterations = iterations + 1, last_update = ? WHERE id = 1'
	).run(now());
}

/** Records whether the upload target is reachable; true when that changed. */
export function setConnection(db: Db, ok: boolean): boolean {
	return (
		db
			.prepare('UPDATE agent_state SET connection_ok = ? WHERE id = 1 AND connection_ok != ?')
			.run(ok ? 1 : 0, ok ? 1 : 0).changes === 1
	);
}

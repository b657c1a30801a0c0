import type { AgentStatus } from '../../../../lib/contract';
import { AgentAlreadyRunning, AgentAlreadyStopped } from '../../../engine/supervisor';
import { ApiError } from '../../errors';
import type { AppDeps, AppRouteHandler } from '../../router';
import type { routes } from './agent.routes';

interface AgentStateRow {
	desired: 'running' | 'stopped';
	iterations: number;
	last_update: string | null;
	connection_ok: number;
}

export function readAgentStatus({ db, supervisor }: AppDeps): AgentStatus {
	const row = db
		.prepare('SELECT desired, iterations, last_update, connection_ok FROM agent_state WHERE id = 1')
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

function setDesired(deps: AppDeps, desired: AgentStateRow['desired']) {
	deps.db.prepare('UPDATE agent_state SET desired = ? WHERE id = 1').run(desired);
}

export const status: AppRouteHandler<typeof routes.status> = (c) =>
	c.json(readAgentStatus(c.var.deps), 200);

export const start: AppRouteHandler<typeof routes.start> = async (c) => {
	const deps = c.var.deps;
	try {
		await deps.supervisor.start();
	} catch (error) {
		if (error instanceof AgentAlreadyRunning)
			throw new ApiError('AgentAlreadyRunning', error.message);
		throw error;
	}
	setDesired(deps, 'running');
	return c.json(readAgentStatus(deps), 200);
};

export const stop: AppRouteHandler<typeof routes.stop> = async (c) => {
	const deps = c.var.deps;
	try {
		await deps.supervisor.stop();
	} catch (error) {
		if (error instanceof AgentAlreadyStopped)
			throw new ApiError('AgentAlreadyStopped', error.message);
		throw error;
	}
	setDesired(deps, 'stopped');
	return c.json(readAgentStatus(deps), 200);
};

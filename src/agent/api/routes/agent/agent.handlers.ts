import { AgentAlreadyRunning, AgentAlreadyStopped } from '../../../supervisor';
import { readAgentStatus, setDesiredAgentState } from '../../../services/agent-status';
import { readOverview } from '../../../services/overview';
import * as inbox from '../../../services/error-inbox';
import { fileReport } from '../../../services/reports';
import { ContractError } from '../../../services/contract-error';
import type { AppRouteHandler } from '../../router';
import type { routes } from './agent.routes';

export const status: AppRouteHandler<typeof routes.status> = (c) => {
	const { db, supervisor } = c.var.deps;
	return c.json(readAgentStatus(db, supervisor), 200);
};

export const overview: AppRouteHandler<typeof routes.overview> = (c) => {
	const { db, supervisor, settings } = c.var.deps;
	return c.json(readOverview(db, supervisor, c.req.valid('query'), settings.history), 200);
};

export const start: AppRouteHandler<typeof routes.start> = async (c) => {
	const { db, supervisor } = c.var.deps;
	try {
		await supervisor.start();
	} catch (error) {
		if (error instanceof AgentAlreadyRunning)
			throw new ContractError('AgentAlreadyRunning', error.message);
		throw error;
	}
	setDesiredAgentState(db, 'running');
	return c.json(readAgentStatus(db, supervisor), 200);
};

export const stop: AppRouteHandler<typeof routes.stop> = async (c) => {
	const { db, supervisor } = c.var.deps;
	try {
		await supervisor.stop();
	} catch (error) {
		if (error instanceof AgentAlreadyStopped)
			throw new ContractError('AgentAlreadyStopped', error.message);
		throw error;
	}
	setDesiredAgentState(db, 'stopped');
	return c.json(readAgentStatus(db, supervisor), 200);
};

export const listErrors: AppRouteHandler<typeof routes.listErrors> = (c) =>
	c.json(inbox.listErrors(c.var.deps.db, { source: null }, c.req.valid('query')), 200);

export const markError: AppRouteHandler<typeof routes.markError> = (c) => {
	const { id } = c.req.valid('param');
	const record = inbox.markError(c.var.deps.db, { source: null }, id, c.req.valid('json').viewed);
	if (!record) throw new ContractError('NotFound', `No agent error with id ${id}`);
	return c.json(record, 200);
};

export const markAllViewed: AppRouteHandler<typeof routes.markAllViewed> = (c) => {
	const flipped = inbox.markAllViewed(
		c.var.deps.db,
		{ source: null },
		c.req.valid('json').up_to_id
	);
	return c.json({ flipped }, 200);
};

export const report: AppRouteHandler<typeof routes.report> = (c) => {
	const { db, supervisor, settings } = c.var.deps;
	const reportId = fileReport(
		db,
		{ supervisor, logFile: settings.agentLogFile },
		c.req.valid('json').message
	);
	return c.json({ report_id: reportId }, 200);
};

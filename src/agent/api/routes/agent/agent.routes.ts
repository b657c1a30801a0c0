import { createRoute } from '@hono/zod-openapi';
import { agentOperations as ops, overviewOperations } from '../../../../lib/contract';

export const routes = {
	status: createRoute(ops.getAgentStatus),
	overview: createRoute(overviewOperations.getAgentOverview),
	start: createRoute(ops.startAgent),
	stop: createRoute(ops.stopAgent),
	listErrors: createRoute(ops.listAgentErrors),
	markError: createRoute(ops.markAgentError),
	markAllViewed: createRoute(ops.markAllAgentErrorsViewed),
	report: createRoute(ops.reportAgentError)
};

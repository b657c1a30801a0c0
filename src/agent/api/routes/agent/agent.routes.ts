import { createRoute } from '@hono/zod-openapi';
import { agentOperations as ops } from '../../../../lib/contract';

export const routes = {
	status: createRoute(ops.getAgentStatus),
	start: createRoute(ops.startAgent),
	stop: createRoute(ops.stopAgent),
	listErrors: createRoute(ops.listAgentErrors),
	markError: createRoute(ops.markAgentError),
	markAllViewed: createRoute(ops.markAllAgentErrorsViewed),
	report: createRoute(ops.reportAgentError)
};

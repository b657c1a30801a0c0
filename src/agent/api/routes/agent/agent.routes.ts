import { agentOperations as ops } from '../../../../lib/contract';
import { createRoute, createRouter } from '../../router';
import * as handlers from './agent.handlers';

export const routes = {
	status: createRoute(ops.getAgentStatus),
	start: createRoute(ops.startAgent),
	stop: createRoute(ops.stopAgent),
	listErrors: createRoute(ops.listAgentErrors),
	markError: createRoute(ops.markAgentError),
	markAllViewed: createRoute(ops.markAllAgentErrorsViewed),
	report: createRoute(ops.reportAgentError)
};

export const agentRouter = createRouter()
	.openapi(routes.status, handlers.status)
	.openapi(routes.start, handlers.start)
	.openapi(routes.stop, handlers.stop)
	.openapi(routes.listErrors, handlers.listAgentErrors)
	.openapi(routes.markError, handlers.markAgentError)
	.openapi(routes.markAllViewed, handlers.markAllAgentErrorsViewed)
	.openapi(routes.report, handlers.report);

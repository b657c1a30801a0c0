import { agentOperations as ops } from '../../../../lib/contract';
import { createRoute, createRouter } from '../../router';
import * as handlers from './agent.handlers';

export const routes = {
	status: createRoute(ops.getAgentStatus),
	start: createRoute(ops.startAgent),
	stop: createRoute(ops.stopAgent)
};

export const agentRouter = createRouter()
	.openapi(routes.status, handlers.status)
	.openapi(routes.start, handlers.start)
	.openapi(routes.stop, handlers.stop);

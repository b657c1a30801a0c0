import { createRouter } from '../../router';
import * as handlers from './agent.handlers';
import { routes } from './agent.routes';

export const agentRouter = createRouter()
	.openapi(routes.status, handlers.status)
	.openapi(routes.overview, handlers.overview)
	.openapi(routes.start, handlers.start)
	.openapi(routes.stop, handlers.stop)
	.openapi(routes.listErrors, handlers.listErrors)
	.openapi(routes.markError, handlers.markError)
	.openapi(routes.markAllViewed, handlers.markAllViewed)
	.openapi(routes.report, handlers.report);

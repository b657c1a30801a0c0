import { createRouter } from '../../router';
import * as handlers from './logs.handlers';
import { routes } from './logs.routes';

export const logsRouter = createRouter()
	.openapi(routes.tail, handlers.tail)
	.openapi(routes.follow, handlers.follow);

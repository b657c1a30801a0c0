import { createRouter } from '../../router';
import * as handlers from './failures.handlers';
import { routes } from './failures.routes';

export const failuresRouter = createRouter()
	.openapi(routes.list, handlers.list)
	.openapi(routes.reset, handlers.reset);

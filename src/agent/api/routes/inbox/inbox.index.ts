import { createRouter } from '../../router';
import * as handlers from './inbox.handlers';
import { routes } from './inbox.routes';

export const inboxRouter = createRouter()
	.openapi(routes.list, handlers.list)
	.openapi(routes.counts, handlers.counts);

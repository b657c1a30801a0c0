import { createRouter } from '../../router';
import * as handlers from './history.handlers';
import { routes } from './history.routes';

export const historyRouter = createRouter()
	.openapi(routes.read, handlers.read)
	.openapi(routes.totals, handlers.totals);

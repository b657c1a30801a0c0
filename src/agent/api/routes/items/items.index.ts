import { createRouter } from '../../router';
import * as handlers from './items.handlers';
import { routes } from './items.routes';

export const itemsRouter = createRouter()
	.openapi(routes.list, handlers.list)
	.openapi(routes.search, handlers.search)
	.openapi(routes.get, handlers.get)
	.openapi(routes.files, handlers.files)
	.openapi(routes.preview, handlers.preview)
	.openapi(routes.prioritize, handlers.prioritize)
	.openapi(routes.reset, handlers.reset)
	.openapi(routes.report, handlers.report);

import { itemOperations as ops } from '../../../../lib/contract';
import { createRoute, createRouter } from '../../router';
import * as handlers from './items.handlers';

export const routes = {
	list: createRoute(ops.listSourceItems),
	search: createRoute(ops.searchItems),
	get: createRoute(ops.getItem),
	prioritize: createRoute(ops.prioritizeItem),
	reset: createRoute(ops.resetItem),
	report: createRoute(ops.reportItemError)
};

export const itemsRouter = createRouter()
	.openapi(routes.list, handlers.list)
	.openapi(routes.search, handlers.search)
	.openapi(routes.get, handlers.get)
	.openapi(routes.prioritize, handlers.prioritize)
	.openapi(routes.reset, handlers.reset)
	.openapi(routes.report, handlers.report);

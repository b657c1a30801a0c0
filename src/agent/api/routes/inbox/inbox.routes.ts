import { inboxOperations as ops } from '../../../../lib/contract';
import { errorCounts, listErrors } from '../../../services/errors';
import { createRoute, createRouter, type AppRouteHandler } from '../../router';

export const routes = {
	list: createRoute(ops.listErrors),
	counts: createRoute(ops.getErrorCounts)
};

const list: AppRouteHandler<typeof routes.list> = (c) => {
	const { level, source_id, ...query } = c.req.valid('query');
	return c.json(listErrors(c.var.deps.db, { level, source: source_id }, query), 200);
};

const counts: AppRouteHandler<typeof routes.counts> = (c) =>
	c.json(errorCounts(c.var.deps.db), 200);

export const inboxRouter = createRouter().openapi(routes.list, list).openapi(routes.counts, counts);

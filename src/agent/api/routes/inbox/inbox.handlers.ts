import { errorCounts, listErrors } from '../../../services/error-inbox';
import type { AppRouteHandler } from '../../router';
import type { routes } from './inbox.routes';

export const list: AppRouteHandler<typeof routes.list> = (c) => {
	const { level, source_id, ...query } = c.req.valid('query');
	return c.json(listErrors(c.var.deps.db, { level, source: source_id }, query), 200);
};

export const counts: AppRouteHandler<typeof routes.counts> = (c) =>
	c.json(errorCounts(c.var.deps.db), 200);

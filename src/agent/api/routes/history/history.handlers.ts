import { readHistory, readTotals } from '../../../services/history';
import type { AppRouteHandler } from '../../router';
import type { routes } from './history.routes';

export const read: AppRouteHandler<typeof routes.read> = (c) => {
	const { db, settings } = c.var.deps;
	return c.json(readHistory(db, c.req.valid('query'), settings.history), 200);
};

export const totals: AppRouteHandler<typeof routes.totals> = (c) =>
	c.json(readTotals(c.var.deps.db), 200);

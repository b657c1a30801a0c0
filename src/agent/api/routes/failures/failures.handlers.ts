import { listFailureGroups, resetFailureGroup } from '../../../services/failure-groups';
import type { AppRouteHandler } from '../../router';
import type { routes } from './failures.routes';

export const list: AppRouteHandler<typeof routes.list> = (c) =>
	c.json(listFailureGroups(c.var.deps.db, c.req.valid('query').source_id), 200);

export const reset: AppRouteHandler<typeof routes.reset> = (c) => {
	const { fingerprint } = c.req.valid('param');
	const count = resetFailureGroup(c.var.deps.db, fingerprint, c.req.valid('query').source_id);
	return c.json({ count }, 200);
};

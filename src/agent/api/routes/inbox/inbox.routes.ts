import { createRoute } from '@hono/zod-openapi';
import { inboxOperations as ops } from '../../../../lib/contract';

export const routes = {
	list: createRoute(ops.listErrors),
	counts: createRoute(ops.getErrorCounts)
};

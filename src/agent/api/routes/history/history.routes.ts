import { createRoute } from '@hono/zod-openapi';
import { historyOperations as ops } from '../../../../lib/contract';

export const routes = {
	read: createRoute(ops.getSyncHistory),
	totals: createRoute(ops.getSyncTotals)
};

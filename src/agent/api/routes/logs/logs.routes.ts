import { createRoute } from '@hono/zod-openapi';
import { logOperations as ops } from '../../../../lib/contract';

export const routes = {
	tail: createRoute(ops.tailLog),
	follow: createRoute(ops.followLog)
};

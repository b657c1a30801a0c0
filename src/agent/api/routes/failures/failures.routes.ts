import { createRoute } from '@hono/zod-openapi';
import { failureOperations as ops } from '../../../../lib/contract';

export const routes = {
	list: createRoute(ops.listFailureGroups),
	reset: createRoute(ops.resetFailureGroup)
};

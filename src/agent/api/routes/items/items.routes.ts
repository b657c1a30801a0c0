import { createRoute } from '@hono/zod-openapi';
import { itemOperations as ops } from '../../../../lib/contract';

export const routes = {
	list: createRoute(ops.listSourceItems),
	search: createRoute(ops.searchItems),
	get: createRoute(ops.getItem),
	files: createRoute(ops.listItemFiles),
	preview: createRoute(ops.getItemPreview),
	prioritize: createRoute(ops.prioritizeItem),
	reset: createRoute(ops.resetItem),
	report: createRoute(ops.reportItemError)
};

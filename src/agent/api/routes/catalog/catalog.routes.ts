import { createRoute } from '@hono/zod-openapi';
import { catalogOperations as ops } from '../../../../lib/contract';

export const routes = {
	listBackends: createRoute(ops.listBackends),
	getBackend: createRoute(ops.getBackend),
	installBackend: createRoute(ops.installBackend),
	updateBackend: createRoute(ops.updateBackend),
	uninstallBackend: createRoute(ops.uninstallBackend),
	listConverters: createRoute(ops.listConverters),
	getConverter: createRoute(ops.getConverter),
	installConverter: createRoute(ops.installConverter),
	updateConverter: createRoute(ops.updateConverter),
	uninstallConverter: createRoute(ops.uninstallConverter),
	getConverterUsage: createRoute(ops.getConverterUsage),
	listScopes: createRoute(ops.listScopes)
};

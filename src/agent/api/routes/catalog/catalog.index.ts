import { createRouter } from '../../router';
import * as handlers from './catalog.handlers';
import { routes } from './catalog.routes';

export const catalogRouter = createRouter()
	.openapi(routes.listBackends, handlers.listBackends)
	.openapi(routes.getBackend, handlers.getBackend)
	.openapi(routes.installBackend, handlers.installBackend)
	.openapi(routes.updateBackend, handlers.updateBackend)
	.openapi(routes.uninstallBackend, handlers.uninstallBackend)
	.openapi(routes.listConverters, handlers.listConverters)
	.openapi(routes.getConverter, handlers.getConverter)
	.openapi(routes.installConverter, handlers.installConverter)
	.openapi(routes.updateConverter, handlers.updateConverter)
	.openapi(routes.uninstallConverter, handlers.uninstallConverter)
	.openapi(routes.getConverterUsage, handlers.getConverterUsage)
	.openapi(routes.listScopes, handlers.listScopes);

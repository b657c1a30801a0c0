import { createRouter } from '../../router';
import * as handlers from './sources.handlers';
import { routes } from './sources.routes';

export const sourcesRouter = createRouter()
	.openapi(routes.list, handlers.list)
	.openapi(routes.create, handlers.create)
	.openapi(routes.get, handlers.get)
	.openapi(routes.update, handlers.update)
	.openapi(routes.remove, handlers.remove)
	.openapi(routes.start, handlers.start)
	.openapi(routes.stop, handlers.stop)
	.openapi(routes.listErrors, handlers.listErrors)
	.openapi(routes.markError, handlers.markError)
	.openapi(routes.markAllViewed, handlers.markAllViewed)
	.openapi(routes.resetItems, handlers.resetItems)
	.openapi(routes.report, handlers.report)
	.openapi(routes.takeOwnership, handlers.takeOwnership)
	.openapi(routes.releaseOwnership, handlers.releaseOwnership)
	.openapi(routes.listMappings, handlers.listMappings)
	.openapi(routes.createMapping, handlers.createMapping)
	.openapi(routes.updateMapping, handlers.updateMapping)
	.openapi(routes.deleteMapping, handlers.deleteMapping)
	.openapi(routes.unmapped, handlers.unmapped)
	.openapi(routes.autoassign, handlers.autoassign);

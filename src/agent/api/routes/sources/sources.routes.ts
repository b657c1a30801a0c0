import { sourceOperations as ops } from '../../../../lib/contract';
import { createRoute, createRouter } from '../../router';
import * as handlers from './sources.handlers';

export const routes = {
	list: createRoute(ops.listSources),
	create: createRoute(ops.createSource),
	get: createRoute(ops.getSource),
	update: createRoute(ops.updateSource),
	remove: createRoute(ops.deleteSource),
	start: createRoute(ops.startSource),
	stop: createRoute(ops.stopSource),
	listErrors: createRoute(ops.listSourceErrors),
	markError: createRoute(ops.markSourceError),
	markAllViewed: createRoute(ops.markAllSourceErrorsViewed),
	resetItems: createRoute(ops.resetSourceItems),
	report: createRoute(ops.reportSourceError),
	takeOwnership: createRoute(ops.takeOwnership),
	releaseOwnership: createRoute(ops.releaseOwnership),
	listMappings: createRoute(ops.listScopeMappings),
	createMapping: createRoute(ops.createScopeMapping),
	updateMapping: createRoute(ops.updateScopeMapping),
	deleteMapping: createRoute(ops.deleteScopeMapping),
	unmapped: createRoute(ops.listUnmappedIdentifiers),
	autoassign: createRoute(ops.autoassignScopeMappings)
};

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

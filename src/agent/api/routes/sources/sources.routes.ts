import { createRoute } from '@hono/zod-openapi';
import { sourceOperations as ops } from '../../../../lib/contract';

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

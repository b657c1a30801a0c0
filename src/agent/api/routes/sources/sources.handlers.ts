import {
	listErrors as listErrorPage,
	markAllViewed as markAll,
	markError as mark
} from '../../../services/error-inbox';
import { resetItems as resetSourceItems } from '../../../services/items';
import { fileReport } from '../../../services/reports';
import * as scopes from '../../../services/scopes';
import * as sources from '../../../services/sources';
import { ContractError } from '../../../services/contract-error';
import type { AppRouteHandler } from '../../router';
import type { Db } from '../../../db/database';
import type { routes } from './sources.routes';

export const list: AppRouteHandler<typeof routes.list> = (c) =>
	c.json(sources.listSources(c.var.deps.db, c.req.valid('query')), 200);

export const create: AppRouteHandler<typeof routes.create> = (c) =>
	c.json(sources.createSource(c.var.deps.db, c.req.valid('json')), 201);

export const get: AppRouteHandler<typeof routes.get> = (c) =>
	c.json(sources.toSource(sources.getSourceRow(c.var.deps.db, c.req.valid('param').id)), 200);

export const update: AppRouteHandler<typeof routes.update> = (c) =>
	c.json(sources.updateSource(c.var.deps.db, c.req.valid('param').id, c.req.valid('json')), 200);

export const remove: AppRouteHandler<typeof routes.remove> = (c) =>
	c.json(sources.deleteSource(c.var.deps.db, c.req.valid('param').id), 200);

export const start: AppRouteHandler<typeof routes.start> = (c) =>
	c.json(sources.setRunning(c.var.deps.db, c.req.valid('param').id, true), 200);

export const stop: AppRouteHandler<typeof routes.stop> = (c) =>
	c.json(sources.setRunning(c.var.deps.db, c.req.valid('param').id, false), 200);

/** The source's id, after checking it exists (404 otherwise). */
function existing(db: Db, id: number): number {
	return sources.getSourceRow(db, id).id;
}

export const listErrors: AppRouteHandler<typeof routes.listErrors> = (c) => {
	const { db } = c.var.deps;
	const source = existing(db, c.req.valid('param').id);
	return c.json(listErrorPage(db, { source }, c.req.valid('query')), 200);
};

export const markError: AppRouteHandler<typeof routes.markError> = (c) => {
	const { db } = c.var.deps;
	const { id, eid } = c.req.valid('param');
	const record = mark(db, { source: existing(db, id) }, eid, c.req.valid('json').viewed);
	if (!record) throw new ContractError('NotFound', `No error ${eid} in sync source ${id}`);
	return c.json(record, 200);
};

export const markAllViewed: AppRouteHandler<typeof routes.markAllViewed> = (c) => {
	const { db } = c.var.deps;
	const source = existing(db, c.req.valid('param').id);
	return c.json({ flipped: markAll(db, { source }, c.req.valid('json').up_to_id) }, 200);
};

export const resetItems: AppRouteHandler<typeof routes.resetItems> = (c) => {
	const { db } = c.var.deps;
	const source = existing(db, c.req.valid('param').id);
	return c.json(
		{ count: resetSourceItems(db, source, c.req.valid('json').include_successful) },
		200
	);
};

export const report: AppRouteHandler<typeof routes.report> = (c) => {
	const { db, supervisor, settings } = c.var.deps;
	const sourceId = existing(db, c.req.valid('param').id);
	const context = { supervisor, logFile: settings.agentLogFile, sourceId };
	return c.json({ report_id: fileReport(db, context, c.req.valid('json').message) }, 200);
};

export const takeOwnership: AppRouteHandler<typeof routes.takeOwnership> = (c) => {
	const { db, settings } = c.var.deps;
	return c.json(sources.setOwner(db, c.req.valid('param').id, settings.user), 200);
};

export const releaseOwnership: AppRouteHandler<typeof routes.releaseOwnership> = (c) =>
	c.json(sources.setOwner(c.var.deps.db, c.req.valid('param').id, null), 200);

export const listMappings: AppRouteHandler<typeof routes.listMappings> = (c) => {
	const { db } = c.var.deps;
	return c.json(scopes.listMappings(db, existing(db, c.req.valid('param').id)), 200);
};

export const createMapping: AppRouteHandler<typeof routes.createMapping> = (c) => {
	const { db } = c.var.deps;
	const source = existing(db, c.req.valid('param').id);
	return c.json(scopes.createMapping(db, source, c.req.valid('json')), 201);
};

export const updateMapping: AppRouteHandler<typeof routes.updateMapping> = (c) => {
	const { db } = c.var.deps;
	const { id, scope_identifier } = c.req.valid('param');
	const mapping = scopes.updateMapping(
		db,
		existing(db, id),
		scope_identifier,
		c.req.valid('json').scope_uuid
	);
	return c.json(mapping, 200);
};

export const deleteMapping: AppRouteHandler<typeof routes.deleteMapping> = (c) => {
	const { db } = c.var.deps;
	const { id, scope_identifier } = c.req.valid('param');
	return c.json(scopes.deleteMapping(db, existing(db, id), scope_identifier), 200);
};

export const unmapped: AppRouteHandler<typeof routes.unmapped> = (c) => {
	const { db } = c.var.deps;
	const sourceId = existing(db, c.req.valid('param').id);
	return c.json(scopes.listUnmappedIdentifiers(db, sourceId, c.req.valid('query')), 200);
};

export const autoassign: AppRouteHandler<typeof routes.autoassign> = (c) => {
	const { db } = c.var.deps;
	return c.json({ created: scopes.autoassign(db, existing(db, c.req.valid('param').id)) }, 200);
};

import type { TypedResponse } from 'hono';
import type { ItemDetail } from '../../../../lib/contract';
import * as items from '../../../services/items';
import { itemPreview } from '../../../services/previews';
import { fileReport } from '../../../services/reports';
import { getSourceRow } from '../../../services/sources';
import { listSyncFiles } from '../../../services/sync-records';
import type { AppRouteHandler } from '../../router';
import type { routes } from './items.routes';

export const list: AppRouteHandler<typeof routes.list> = (c) => {
	const { db } = c.var.deps;
	const source = getSourceRow(db, c.req.valid('param').id);
	return c.json(items.listItems(db, source.id, c.req.valid('query')), 200);
};

export const search: AppRouteHandler<typeof routes.search> = (c) => {
	const { source_id, ...query } = c.req.valid('query');
	return c.json(items.listItems(c.var.deps.db, source_id, query), 200);
};

export const get: AppRouteHandler<typeof routes.get> = (c) => {
	const { id, item_id } = c.req.valid('param');
	const json = items.itemDetailJson(c.var.deps.db, id, item_id);
	// The text is an ItemDetail written as JSON already (see itemDetailJson).
	return c.body(json, 200, { 'content-type': 'application/json' }) as unknown as TypedResponse<
		ItemDetail,
		200,
		'json'
	>;
};

export const files: AppRouteHandler<typeof routes.files> = (c) => {
	const { db } = c.var.deps;
	const { id, item_id } = c.req.valid('param');
	items.getItemRow(db, id, item_id);
	return c.json(listSyncFiles(db, item_id, c.req.valid('query')), 200);
};

export const preview: AppRouteHandler<typeof routes.preview> = async (c) => {
	const { db, settings } = c.var.deps;
	const { id, item_id } = c.req.valid('param');
	const { variable } = c.req.valid('query');
	return c.json(
		await itemPreview(db, settings.storeDir, { sourceId: id, itemId: item_id, variable }),
		200
	);
};

export const prioritize: AppRouteHandler<typeof routes.prioritize> = (c) => {
	const { id, item_id } = c.req.valid('param');
	return c.json(items.prioritizeItem(c.var.deps.db, id, item_id), 200);
};

export const reset: AppRouteHandler<typeof routes.reset> = (c) => {
	const { id, item_id } = c.req.valid('param');
	return c.json(items.resetItem(c.var.deps.db, id, item_id), 200);
};

export const report: AppRouteHandler<typeof routes.report> = (c) => {
	const { db, supervisor, settings } = c.var.deps;
	const { id, item_id } = c.req.valid('param');
	items.getItemRow(db, id, item_id);
	const context = { supervisor, logFile: settings.agentLogFile, sourceId: id, itemId: item_id };
	return c.json({ report_id: fileReport(db, context, c.req.valid('json').message) }, 200);
};

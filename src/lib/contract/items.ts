import { z } from 'zod';
import {
	BooleanQuery,
	Cursor,
	FailureFingerprint,
	IdParam,
	Limit,
	MessageBody,
	ReportReceipt,
	Timestamp,
	Uuid,
	pageOf,
	twoWayPageOf
} from './common';
import { errors, json, body, type Operation } from './operation';

export const Item = z
	.object({
		id: z.number().int().positive(),
		source_id: z.number().int().positive(),
		data_identifier: z.string(),
		dataset_uuid: Uuid,
		scope_identifier: z.string().nullable(),
		priority: z.number().int(),
		synchronized: z.boolean(),
		attempts: z.number().int().nonnegative(),
		error: z.string().nullable(),
		/** Still being written by the acquisition software; synced again once complete. */
		live: z.boolean(),
		/**
		 * For a live item: how much of the dataset its last sync held, 0 to 1, where the backend
		 * can tell. The embedded agent's; other sync APIs leave it out, so it defaults.
		 */
		live_fill: z.number().min(0).max(1).nullable().default(null),
		next_attempt_at: Timestamp.nullable(),
		last_update: Timestamp.nullable(),
		/**
		 * Not found by the last complete scan of its source, or found in a folder the source no
		 * longer reads: not synced nor retried, not counted as failed; back once found again.
		 * The embedded agent's; absent from other sync APIs' answers, so it defaults.
		 */
		missing: z.boolean().default(false)
	})
	.meta({ id: 'Item' });

/**
 * One entry of a sync record. Tasks form a tree through `parent_id`; logs and errors hang
 * under their task. Flat, so that it serializes and pages without recursion.
 */
export const SyncRecordEntry = z
	.object({
		id: z.number().int().nonnegative(),
		parent_id: z.number().int().nonnegative().nullable(),
		kind: z.enum(['task', 'log', 'error']),
		time: Timestamp,
		message: z.string(),
		exception: z.string().nullable(),
		stack_trace: z.string().nullable(),
		/** For a task: it or a task under it holds an error. */
		has_errors: z.boolean()
	})
	.meta({ id: 'SyncRecordEntry' });

export const SyncFileStatus = z.enum(['OK', 'ERROR', 'SKIPPED']);

export const SyncFile = z
	.object({
		name: z.string(),
		/** `SKIPPED`: left out on purpose (a link, a FIFO…), `error` says why. */
		status: SyncFileStatus,
		size: z.number().int().nonnegative().nullable(),
		md5: z.string().nullable(),
		m_time: Timestamp.nullable(),
		converter: z.string().nullable(),
		error: z.string().nullable()
	})
	.meta({ id: 'SyncFile' });

const FileCount = z.number().int().nonnegative();

/** What became of the files at the last sync; the files themselves are paged (listItemFiles). */
export const SyncFileSummary = z
	.object({
		counts: z.object({ OK: FileCount, ERROR: FileCount, SKIPPED: FileCount }),
		/** Bytes stored: the sizes of the files with status OK. */
		size: z.number().int().nonnegative()
	})
	.meta({ id: 'SyncFileSummary' });

/** A parameter of a dataset's data: a coordinate or a variable, over its dimensions. */
export const DatasetParameter = z
	.object({
		name: z.string(),
		long_name: z.string().nullable(),
		units: z.string().nullable(),
		dims: z.array(z.string()),
		shape: z.array(z.number().int().nonnegative())
	})
	.meta({ id: 'DatasetParameter' });

/** What a sync read of the dataset: its metadata, and the parameters of its data. */
export const DatasetSummary = z
	.object({
		name: z.string(),
		collected: z.string(),
		description: z.string().nullable(),
		tags: z.array(z.string()),
		attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
		parameters: z.array(DatasetParameter)
	})
	.meta({ id: 'DatasetSummary' });

/**
 * An item's last sync: its task tree (bounded: a long run of entries is summed up), files,
 * and what it read of the dataset (null when it could not read it; other sync APIs leave it
 * out, so it defaults).
 */
export const SyncRecord = z
	.object({
		logs: z.array(SyncRecordEntry),
		file_summary: SyncFileSummary,
		dataset: DatasetSummary.nullable().default(null)
	})
	.meta({ id: 'SyncRecord' });

export const ItemDetail = Item.extend({ sync_record: SyncRecord }).meta({ id: 'ItemDetail' });

export const ItemOrderBy = z.enum(['id', 'data_identifier', 'last_update', 'priority']);

export const ItemListQuery = z.object({
	is_synchronized: BooleanQuery.optional(),
	is_missing: BooleanQuery.optional(),
	/** Still being measured (the embedded agent's filter). */
	is_live: BooleanQuery.optional(),
	/** Items a sync of which failed from this time (the sync history) … */
	failed_since: Timestamp.optional(),
	/** … to this one, excluded; now by default. */
	failed_until: Timestamp.optional(),
	/** The failed items of one failure group (`listFailureGroups`). */
	failure_group: FailureFingerprint.optional(),
	/** Substring of the data identifier, case-insensitive. */
	query: z.string().max(200).optional(),
	order_by: ItemOrderBy.default('id'),
	order: z.enum(['asc', 'desc']).default('desc'),
	cursor: Cursor.optional(),
	limit: Limit
});

export const ItemPage = pageOf(Item).meta({ id: 'ItemPage' });

/** Files in the order the sync went through them, optionally of one status. */
export const SyncFileListQuery = z.object({
	status: SyncFileStatus.optional(),
	cursor: Cursor.optional(),
	limit: Limit
});
export const SyncFilePage = twoWayPageOf(SyncFile).meta({ id: 'SyncFilePage' });
/** An axis of a preview: what it shows, and the range of its values (null: none finite). */
const PreviewAxis = z.object({
	name: z.string(),
	long_name: z.string().nullable(),
	units: z.string().nullable(),
	min: z.number().nullable(),
	max: z.number().nullable()
});

/** Values of a preview; null where there is none (NaN, not measured yet). */
const PreviewValues = z.array(z.number().nullable());

/**
 * A plot of one variable of the dataset's data file, reduced to what a picture of a few
 * hundred pixels shows: a line as the lowest and highest value per pixel column (with the
 * uncertainty `<name>_u` as a band), a 2-D grid as cells averaged to at most 200 × 200, each
 * a byte (0–254 from `z.min` to `z.max`, 255 for none), row by row from the first y.
 */
export const PreviewPlot = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('line'),
		points: z.number().int().nonnegative(),
		/** Points with a value (the rest NaN: not measured yet). */
		measured: z.number().int().nonnegative(),
		x: PreviewAxis.extend({ values: PreviewValues }),
		y: PreviewAxis.extend({ low: PreviewValues, high: PreviewValues }),
		band: z.object({ low: PreviewValues, high: PreviewValues }).nullable()
	}),
	z.object({
		kind: z.literal('heatmap'),
		points: z.number().int().nonnegative(),
		measured: z.number().int().nonnegative(),
		x: PreviewAxis.extend({ values: PreviewValues }),
		y: PreviewAxis.extend({ values: PreviewValues }),
		z: PreviewAxis,
		width: z.number().int().positive(),
		height: z.number().int().positive(),
		cells: z.base64()
	}),
	z.object({ kind: z.literal('message'), message: z.string() })
]);

/** The preview of an item's synced data: the file, its plottable variables, one plotted. */
export const ItemPreview = z
	.object({
		file: z.string().nullable(),
		variables: z.array(DatasetParameter),
		variable: z.string().nullable(),
		plot: PreviewPlot
	})
	.meta({ id: 'ItemPreview' });

export const ItemPreviewQuery = z.object({
	/** The variable to plot; the first plottable one by default. */
	variable: z.string().max(500).optional()
});

export const SourceItemsParams = z.object({ id: IdParam });
export const ItemParams = z.object({ id: IdParam, item_id: IdParam });

const item = (operationId: string, method: Operation['method'], path: string, summary: string) => ({
	operationId,
	method,
	path: `/api/v1/sources/{id}/items${path}` as const,
	summary,
	tags: ['items']
});

export const itemOperations = {
	listSourceItems: {
		...item('listSourceItems', 'get', '', 'Items of a source, searchable and paged (source.items)'),
		request: { params: SourceItemsParams, query: ItemListQuery },
		responses: { 200: json(ItemPage, 'A page of items'), ...errors('NotFound', 'ValidationError') }
	},
	searchItems: {
		operationId: 'searchItems',
		method: 'get',
		path: '/api/v1/items',
		summary: 'Items of every source, searchable and paged',
		tags: ['items'],
		request: { query: ItemListQuery.extend({ source_id: IdParam.optional() }) },
		responses: { 200: json(ItemPage, 'A page of items'), ...errors('ValidationError') }
	},
	getItem: {
		...item('getItem', 'get', '/{item_id}', 'One item with its sync record (source.item)'),
		request: { params: ItemParams },
		responses: { 200: json(ItemDetail, 'The item'), ...errors('NotFound') }
	},
	listItemFiles: {
		...item(
			'listItemFiles',
			'get',
			'/{item_id}/files',
			'Files of the sync record, filterable by status and paged (item.sync_record files)'
		),
		request: { params: ItemParams, query: SyncFileListQuery },
		responses: {
			200: json(SyncFilePage, 'A page of files'),
			...errors('NotFound', 'ValidationError')
		}
	},
	getItemPreview: {
		...item(
			'getItemPreview',
			'get',
			'/{item_id}/preview',
			'A plot of one variable of the synced data, reduced to what a picture shows'
		),
		request: { params: ItemParams, query: ItemPreviewQuery },
		responses: { 200: json(ItemPreview, 'The preview'), ...errors('NotFound', 'ValidationError') }
	},
	prioritizeItem: {
		...item(
			'prioritizeItem',
			'post',
			'/{item_id}/prioritize',
			'Sync this item first (item.prioritize)'
		),
		request: { params: ItemParams },
		responses: { 200: json(Item, 'The item'), ...errors('NotFound') }
	},
	resetItem: {
		...item('resetItem', 'post', '/{item_id}/reset', 'Clear attempts and retry (item.reset)'),
		request: { params: ItemParams },
		responses: { 200: json(Item, 'The item'), ...errors('NotFound') }
	},
	reportItemError: {
		...item(
			'reportItemError',
			'post',
			'/{item_id}/report',
			'Report an item problem (item.report_error)'
		),
		request: { params: ItemParams, body: body(MessageBody) },
		responses: {
			200: json(ReportReceipt, 'The stored report'),
			...errors('NotFound', 'ValidationError')
		}
	}
} satisfies Record<string, Operation>;

export type Item = z.infer<typeof Item>;
export type ItemDetail = z.infer<typeof ItemDetail>;
export type SyncRecordEntry = z.infer<typeof SyncRecordEntry>;
export type SyncFile = z.infer<typeof SyncFile>;
export type SyncFileStatus = z.infer<typeof SyncFileStatus>;
export type SyncFileSummary = z.infer<typeof SyncFileSummary>;
export type DatasetParameter = z.infer<typeof DatasetParameter>;
export type DatasetSummary = z.infer<typeof DatasetSummary>;
export type ItemPreview = z.infer<typeof ItemPreview>;
export type PreviewPlot = z.infer<typeof PreviewPlot>;
export type ItemListQuery = z.input<typeof ItemListQuery>;

import { z } from 'zod';
import { ErrorListQuery, ErrorPage, ErrorRecord, MarkAllViewedBody, ViewedBody } from './agent';
import {
	Cursor,
	FlipCount,
	IdParam,
	Limit,
	MessageBody,
	ReportReceipt,
	Timestamp,
	Uuid,
	twoWayPageOf
} from './common';
import { body, errors, json, type Operation } from './operation';

export const SourceStatus = z.enum(['syncing', 'scanning', 'stopped', 'error']);

/** Backend-specific settings; each backend validates them against its own config fields. */
export const ConfigData = z.record(z.string(), z.unknown());

export const Source = z
	.object({
		id: z.number().int().positive(),
		name: z.string(),
		backend_identifier: z.string(),
		status: SourceStatus,
		items_total: z.number().int().nonnegative(),
		items_synced: z.number().int().nonnegative(),
		items_failed: z.number().int().nonnegative(),
		items_unmapped_scope_count: z.number().int().nonnegative(),
		/**
		 * Items not found by the last complete scan (`Item.missing`); not in `items_failed`.
		 * Absent from other sync APIs' answers, so it defaults.
		 */
		items_missing: z.number().int().nonnegative().default(0),
		last_update: Timestamp.nullable(),
		config_data: ConfigData,
		default_scope: Uuid.nullable(),
		autoassign_scope_mapping: z.boolean(),
		owner: z.string().nullable()
	})
	.meta({ id: 'Source' });

/**
 * A source as lists, the live status and a lab's overview show it: no settings, so no secret
 * either, and a fiftieth of the bytes.
 */
export const SourceSummary = Source.pick({
	id: true,
	name: true,
	backend_identifier: true,
	status: true,
	items_total: true,
	items_synced: true,
	items_failed: true,
	items_missing: true,
	last_update: true
}).meta({ id: 'SourceSummary' });

const SUMMARY_FIELDS = Object.keys(SourceSummary.shape) as (keyof SourceSummary)[];

/** The summary of a source already checked against the contract: its fields picked, not parsed again. */
export function sourceSummary(source: Source): SourceSummary {
	return Object.fromEntries(SUMMARY_FIELDS.map((field) => [field, source[field]])) as SourceSummary;
}

export const SourceName = z.string().trim().min(1, 'Give the source a name').max(100);

export const SourceCreate = z
	.object({
		name: SourceName,
		backend_identifier: z.string().min(1),
		config_data: ConfigData,
		default_scope: Uuid.nullable().optional(),
		autoassign_scope_mapping: z.boolean().default(false)
	})
	.meta({ id: 'SourceCreate' });

/** Only the given fields change; `config_data` is merged into the stored config. */
export const SourceUpdate = z
	.object({
		rename_to: SourceName.optional(),
		config_data: ConfigData.optional(),
		default_scope: Uuid.nullable().optional(),
		autoassign_scope_mapping: z.boolean().optional()
	})
	.meta({ id: 'SourceUpdate' });

export const SourceListQuery = z.object({
	status: SourceStatus.optional(),
	backend: z.string().min(1).optional()
});

export const SourceIdParams = z.object({ id: IdParam });
export const SourceErrorParams = z.object({ id: IdParam, eid: IdParam });

export const ResetItemsBody = z.object({ include_successful: z.boolean().default(false) });
export const ResetCount = z.object({ count: z.number().int().nonnegative() });

export const ScopeMapping = z
	.object({ scope_identifier: z.string(), scope_uuid: Uuid, scope_name: z.string().nullable() })
	.meta({ id: 'ScopeMapping' });
export const ScopeIdentifier = z.string().trim().min(1).max(500);
export const ScopeMappingCreate = z.object({ scope_identifier: ScopeIdentifier, scope_uuid: Uuid });
export const ScopeMappingUpdate = z.object({ scope_uuid: Uuid });
export const ScopeMappingParams = z.object({ id: IdParam, scope_identifier: ScopeIdentifier });
export const UnmappedIdentifier = z
	.object({ scope_identifier: z.string(), item_count: z.number().int().positive() })
	.meta({ id: 'UnmappedIdentifier' });
export const UnmappedIdentifierQuery = z.object({ cursor: Cursor.optional(), limit: Limit });
/** Identifiers in order (code point order, as SQLite compares text), with how many there are. */
export const UnmappedIdentifierPage = twoWayPageOf(UnmappedIdentifier)
	.extend({ total: z.number().int().nonnegative() })
	.meta({ id: 'UnmappedIdentifierPage' });
export const AutoassignResult = z.object({ created: z.number().int().nonnegative() });

const source = (
	operationId: string,
	method: Operation['method'],
	path: string,
	summary: string
) => ({
	operationId,
	method,
	path: `/api/v1/sources${path}` as const,
	summary,
	tags: ['sources']
});

export const sourceOperations = {
	listSources: {
		...source('listSources', 'get', '', 'All sync sources (SyncSources.list)'),
		request: { query: SourceListQuery },
		responses: { 200: json(z.array(Source), 'The sources'), ...errors('ValidationError') }
	},
	createSource: {
		...source('createSource', 'post', '', 'Create a sync source (SyncSources.create)'),
		request: { body: body(SourceCreate) },
		responses: { 201: json(Source, 'The new source'), ...errors('ValidationError', 'Conflict') }
	},
	getSource: {
		...source('getSource', 'get', '/{id}', 'One sync source (SyncSources.get)'),
		request: { params: SourceIdParams },
		responses: { 200: json(Source, 'The source'), ...errors('NotFound') }
	},
	updateSource: {
		...source('updateSource', 'patch', '/{id}', 'Rename or reconfigure a source (source.update)'),
		request: { params: SourceIdParams, body: body(SourceUpdate) },
		responses: {
			200: json(Source, 'The updated source'),
			...errors('NotFound', 'ValidationError', 'Conflict')
		}
	},
	deleteSource: {
		...source('deleteSource', 'delete', '/{id}', 'Delete a source and its items (source.delete)'),
		request: { params: SourceIdParams },
		responses: { 200: json(Source, 'The deleted source'), ...errors('NotFound') }
	},
	startSource: {
		...source('startSource', 'post', '/{id}/start', 'Start a stopped source (source.start)'),
		request: { params: SourceIdParams },
		responses: {
			200: json(Source, 'The source'),
			...errors('NotFound', 'SyncSourceAlreadyRunning')
		}
	},
	stopSource: {
		...source('stopSource', 'post', '/{id}/stop', 'Stop a running source (source.stop)'),
		request: { params: SourceIdParams },
		responses: {
			200: json(Source, 'The source'),
			...errors('NotFound', 'SyncSourceAlreadyStopped')
		}
	},
	listSourceErrors: {
		...source('listSourceErrors', 'get', '/{id}/errors', 'Errors of a source (source.errors)'),
		request: { params: SourceIdParams, query: ErrorListQuery },
		responses: {
			200: json(ErrorPage, 'A page of errors'),
			...errors('NotFound', 'ValidationError')
		}
	},
	markSourceError: {
		...source('markSourceError', 'patch', '/{id}/errors/{eid}', 'Mark one source error viewed'),
		request: { params: SourceErrorParams, body: body(ViewedBody) },
		responses: { 200: json(ErrorRecord, 'The error'), ...errors('NotFound', 'ValidationError') }
	},
	markAllSourceErrorsViewed: {
		...source(
			'markAllSourceErrorsViewed',
			'post',
			'/{id}/errors/mark-all-viewed',
			'Mark all errors of a source viewed (source.mark_all_errors_viewed)'
		),
		request: { params: SourceIdParams, body: body(MarkAllViewedBody) },
		responses: { 200: json(FlipCount, 'Errors flipped'), ...errors('NotFound', 'ValidationError') }
	},
	resetSourceItems: {
		...source(
			'resetSourceItems',
			'post',
			'/{id}/reset-items',
			'Reset items (source.reset_sync_items)'
		),
		request: { params: SourceIdParams, body: body(ResetItemsBody) },
		responses: { 200: json(ResetCount, 'Items reset'), ...errors('NotFound', 'ValidationError') }
	},
	reportSourceError: {
		...source(
			'reportSourceError',
			'post',
			'/{id}/report',
			'Report a source problem (source.report_error)'
		),
		request: { params: SourceIdParams, body: body(MessageBody) },
		responses: {
			200: json(ReportReceipt, 'The stored report'),
			...errors('NotFound', 'ValidationError')
		}
	},
	takeOwnership: {
		...source(
			'takeOwnership',
			'post',
			'/{id}/ownership',
			'Claim the source (source.take_ownership)'
		),
		request: { params: SourceIdParams },
		responses: {
			200: json(Source, 'The source'),
			...errors('NotFound', 'SyncSourceBackendHasNoOwner')
		}
	},
	releaseOwnership: {
		...source('releaseOwnership', 'delete', '/{id}/ownership', 'Release the source (idempotent)'),
		request: { params: SourceIdParams },
		responses: {
			200: json(Source, 'The source'),
			...errors('NotFound', 'SyncSourceBackendHasNoOwner')
		}
	},
	listScopeMappings: {
		...source(
			'listScopeMappings',
			'get',
			'/{id}/scope-mappings',
			'Scope mappings (source.scope_mappings)'
		),
		request: { params: SourceIdParams },
		responses: { 200: json(z.array(ScopeMapping), 'The mappings'), ...errors('NotFound') }
	},
	createScopeMapping: {
		...source(
			'createScopeMapping',
			'post',
			'/{id}/scope-mappings',
			'Map an identifier (source.create_mapping)'
		),
		request: { params: SourceIdParams, body: body(ScopeMappingCreate) },
		responses: {
			201: json(ScopeMapping, 'The new mapping'),
			...errors(
				'NotFound',
				'ValidationError',
				'ScopeMappingAlreadyExists',
				'ScopeMappingInvalidScope'
			)
		}
	},
	updateScopeMapping: {
		...source(
			'updateScopeMapping',
			'patch',
			'/{id}/scope-mappings/{scope_identifier}',
			'Point a mapping at another scope (source.update_mapping)'
		),
		request: { params: ScopeMappingParams, body: body(ScopeMappingUpdate) },
		responses: {
			200: json(ScopeMapping, 'The mapping'),
			...errors('NotFound', 'ValidationError', 'ScopeMappingNotFound', 'ScopeMappingInvalidScope')
		}
	},
	deleteScopeMapping: {
		...source(
			'deleteScopeMapping',
			'delete',
			'/{id}/scope-mappings/{scope_identifier}',
			'Delete a mapping (source.delete_mapping)'
		),
		request: { params: ScopeMappingParams },
		responses: {
			200: json(ScopeMapping, 'The deleted mapping'),
			...errors('NotFound', 'ScopeMappingNotFound')
		}
	},
	listUnmappedIdentifiers: {
		...source(
			'listUnmappedIdentifiers',
			'get',
			'/{id}/unmapped-identifiers',
			'Scope identifiers with no mapping, with their item counts, paged (source.unmapped_identifiers)'
		),
		request: { params: SourceIdParams, query: UnmappedIdentifierQuery },
		responses: {
			200: json(UnmappedIdentifierPage, 'A page of unmapped identifiers'),
			...errors('NotFound', 'ValidationError')
		}
	},
	autoassignScopeMappings: {
		...source(
			'autoassignScopeMappings',
			'post',
			'/{id}/scope-mappings/autoassign',
			'Map identifiers that match exactly one scope name (source.autoassign_mappings)'
		),
		request: { params: SourceIdParams },
		responses: { 200: json(AutoassignResult, 'Mappings created'), ...errors('NotFound') }
	}
} satisfies Record<string, Operation>;

export type Source = z.infer<typeof Source>;
export type SourceStatus = z.infer<typeof SourceStatus>;
export type SourceSummary = z.infer<typeof SourceSummary>;
export type SourceCreate = z.input<typeof SourceCreate>;
export type SourceUpdate = z.input<typeof SourceUpdate>;
export type ScopeMapping = z.infer<typeof ScopeMapping>;
export type UnmappedIdentifier = z.infer<typeof UnmappedIdentifier>;

import ky, { HTTPError, TimeoutError } from 'ky';
import type { z } from 'zod';
import {
	ErrorBody,
	operations as ops,
	successOf,
	type Operation,
	type Success
} from '$lib/contract';
import { SyncApiError } from './sync-api-error';

// Path and query values are typed as the sync API reads them (ids as numbers, flags as
// booleans); the client turns them into strings.
type Parsed<O extends Operation, K extends 'params' | 'query'> = O['request'] extends {
	[P in K]: infer S extends z.ZodType;
}
	? z.output<S>
	: never;
type Params<O extends Operation> = Parsed<O, 'params'>;
type Query<O extends Operation> = Partial<Parsed<O, 'query'>>;
type Body<O extends Operation> = O['request'] extends {
	body: { content: { 'application/json': { schema: infer S extends z.ZodType } } };
}
	? z.input<S>
	: never;

interface CallInput {
	params?: Record<string, string | number>;
	query?: Record<string, string | number | boolean | undefined>;
	body?: unknown;
	/** For a long poll: a budget beyond the usual one, and a way to give up early. */
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface SyncApiClientOptions {
	baseUrl: string;
	timeoutMs: number;
	/** Defaults to the global fetch; tests pass the embedded agent's `app.fetch`. */
	fetch?: typeof fetch;
}

/**
 * Fills `{name}` placeholders; each value is one encoded path segment, never a path: `.` and
 * `..` (which URL resolution would climb with) are refused, so no call leaves the base URL.
 */
function pathOf(operation: Operation, params: CallInput['params'] = {}): string {
	return operation.path.slice(1).replace(/\{(\w+)\}/g, (_, name: string) => {
		const value = params[name];
		if (value === undefined)
			throw new Error(`${operation.operationId}: missing path parameter ${name}`);
		const segment = String(value);
		if (segment === '' || segment === '.' || segment === '..') {
			throw new SyncApiError('rejected', 400, `Bad ${name}: “${segment}”`, 'ValidationError');
		}
		return encodeURIComponent(segment);
	});
}

/**
 * An answer that breaks the contract: the person reads a short message, the details (which
 * call, what was wrong) go to the dashboard's log only.
 */
function unexpectedAnswer(target: string, detail: string): SyncApiError {
	console.error(`Unexpected response from the sync API (${target}): ${detail}`);
	return new SyncApiError('invalid', 502, 'Unexpected response from the sync API');
}

function searchOf(query: CallInput['query'] = {}): URLSearchParams {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== '') search.set(key, String(value));
	}
	return search;
}

/**
 * The dashboard's client of the sync API: one function per operation of the contract,
 * each answer parsed by the contract, every failure turned into a `SyncApiError`.
 * Server-only: browser code never sees the sync API.
 */
export function createSyncApiClient(options: SyncApiClientOptions) {
	const http = ky.create({
		prefixUrl: options.baseUrl,
		timeout: options.timeoutMs,
		fetch: options.fetch,
		// Reads are safe to repeat; a POST/PATCH/DELETE that timed out may have happened.
		retry: { limit: 2, methods: ['get'], statusCodes: [408, 429, 500, 502, 503, 504] }
	});

	async function call<O extends Operation>(
		operation: O,
		input: CallInput = {}
	): Promise<Success<O>> {
		const target = `${operation.method.toUpperCase()} ${options.baseUrl}${operation.path}`;
		let response: Response;
		try {
			response = await http(pathOf(operation, input.params), {
				method: operation.method,
				searchParams: searchOf(input.query),
				json: operation.request?.body ? (input.body ?? {}) : undefined,
				timeout: input.timeoutMs ?? options.timeoutMs,
				signal: input.signal
			});
		} catch (error) {
			throw await toSyncApiError(error, options.baseUrl, target);
		}
		let payload: unknown;
		try {
			payload = await response.json();
		} catch {
			throw unexpectedAnswer(target, `not JSON (${response.headers.get('content-type')})`);
		}
		const parsed = successOf(operation).schema.safeParse(payload);
		if (!parsed.success) {
			const where = parsed.error.issues[0]?.path.join('.') || 'body';
			throw unexpectedAnswer(target, `${where} does not match the contract`);
		}
		return parsed.data as Success<O>;
	}

	return {
		baseUrl: options.baseUrl,
		// agent
		getAgentStatus: () => call(ops.getAgentStatus),
		startAgent: () => call(ops.startAgent),
		stopAgent: () => call(ops.stopAgent),
		listAgentErrors: (query: Query<typeof ops.listAgentErrors> = {}) =>
			call(ops.listAgentErrors, { query }),
		markAgentError: ({ id, viewed }: { id: number; viewed: boolean }) =>
			call(ops.markAgentError, { params: { id }, body: { viewed } }),
		markAllAgentErrorsViewed: (body: Body<typeof ops.markAllAgentErrorsViewed> = {}) =>
			call(ops.markAllAgentErrorsViewed, { body }),
		reportAgentError: (body: Body<typeof ops.reportAgentError>) =>
			call(ops.reportAgentError, { body }),
		// inbox
		listErrors: (query: Query<typeof ops.listErrors> = {}) => call(ops.listErrors, { query }),
		getErrorCounts: () => call(ops.getErrorCounts),
		// sources
		listSources: (query: Query<typeof ops.listSources> = {}) => call(ops.listSources, { query }),
		createSource: (body: Body<typeof ops.createSource>) => call(ops.createSource, { body }),
		getSource: ({ id }: Params<typeof ops.getSource>) => call(ops.getSource, { params: { id } }),
		updateSource: ({
			id,
			...body
		}: Params<typeof ops.updateSource> & Body<typeof ops.updateSource>) =>
			call(ops.updateSource, { params: { id }, body }),
		deleteSource: ({ id }: Params<typeof ops.deleteSource>) =>
			call(ops.deleteSource, { params: { id } }),
		startSource: ({ id }: Params<typeof ops.startSource>) =>
			call(ops.startSource, { params: { id } }),
		stopSource: ({ id }: Params<typeof ops.stopSource>) => call(ops.stopSource, { params: { id } }),
		listSourceErrors: ({
			id,
			...query
		}: Params<typeof ops.listSourceErrors> & Query<typeof ops.listSourceErrors>) =>
			call(ops.listSourceErrors, { params: { id }, query }),
		markSourceError: ({
			id,
			eid,
			viewed
		}: Params<typeof ops.markSourceError> & { viewed: boolean }) =>
			call(ops.markSourceError, { params: { id, eid }, body: { viewed } }),
		markAllSourceErrorsViewed: ({
			id,
			...body
		}: Params<typeof ops.markAllSourceErrorsViewed> & Body<typeof ops.markAllSourceErrorsViewed>) =>
			call(ops.markAllSourceErrorsViewed, { params: { id }, body }),
		resetSourceItems: ({
			id,
			...body
		}: Params<typeof ops.resetSourceItems> & Body<typeof ops.resetSourceItems>) =>
			call(ops.resetSourceItems, { params: { id }, body }),
		reportSourceError: ({
			id,
			...body
		}: Params<typeof ops.reportSourceError> & Body<typeof ops.reportSourceError>) =>
			call(ops.reportSourceError, { params: { id }, body }),
		takeOwnership: ({ id }: Params<typeof ops.takeOwnership>) =>
			call(ops.takeOwnership, { params: { id } }),
		releaseOwnership: ({ id }: Params<typeof ops.releaseOwnership>) =>
			call(ops.releaseOwnership, { params: { id } }),
		listScopeMappings: ({ id }: Params<typeof ops.listScopeMappings>) =>
			call(ops.listScopeMappings, { params: { id } }),
		createScopeMapping: ({
			id,
			...body
		}: Params<typeof ops.createScopeMapping> & Body<typeof ops.createScopeMapping>) =>
			call(ops.createScopeMapping, { params: { id }, body }),
		updateScopeMapping: ({
			id,
			scope_identifier,
			...body
		}: Params<typeof ops.updateScopeMapping> & Body<typeof ops.updateScopeMapping>) =>
			call(ops.updateScopeMapping, { params: { id, scope_identifier }, body }),
		deleteScopeMapping: ({ id, scope_identifier }: Params<typeof ops.deleteScopeMapping>) =>
			call(ops.deleteScopeMapping, { params: { id, scope_identifier } }),
		listUnmappedIdentifiers: ({ id }: Params<typeof ops.listUnmappedIdentifiers>) =>
			call(ops.listUnmappedIdentifiers, { params: { id } }),
		autoassignScopeMappings: ({ id }: Params<typeof ops.autoassignScopeMappings>) =>
			call(ops.autoassignScopeMappings, { params: { id } }),
		// items
		listSourceItems: ({
			id,
			...query
		}: Params<typeof ops.listSourceItems> & Query<typeof ops.listSourceItems>) =>
			call(ops.listSourceItems, { params: { id }, query }),
		searchItems: (query: Query<typeof ops.searchItems> = {}) => call(ops.searchItems, { query }),
		getItem: ({ id, item_id }: Params<typeof ops.getItem>) =>
			call(ops.getItem, { params: { id, item_id } }),
		prioritizeItem: ({ id, item_id }: Params<typeof ops.prioritizeItem>) =>
			call(ops.prioritizeItem, { params: { id, item_id } }),
		resetItem: ({ id, item_id }: Params<typeof ops.resetItem>) =>
			call(ops.resetItem, { params: { id, item_id } }),
		reportItemError: ({
			id,
			item_id,
			...body
		}: Params<typeof ops.reportItemError> & Body<typeof ops.reportItemError>) =>
			call(ops.reportItemError, { params: { id, item_id }, body }),
		// catalog
		listBackends: () => call(ops.listBackends),
		getBackend: ({ identifier }: Params<typeof ops.getBackend>) =>
			call(ops.getBackend, { params: { identifier } }),
		installBackend: (body: Body<typeof ops.installBackend>) => call(ops.installBackend, { body }),
		updateBackend: ({
			identifier,
			...body
		}: Params<typeof ops.updateBackend> & Body<typeof ops.updateBackend>) =>
			call(ops.updateBackend, { params: { identifier }, body }),
		uninstallBackend: ({ identifier }: Params<typeof ops.uninstallBackend>) =>
			call(ops.uninstallBackend, { params: { identifier } }),
		listConverters: () => call(ops.listConverters),
		getConverter: ({ name }: Params<typeof ops.getConverter>) =>
			call(ops.getConverter, { params: { name } }),
		installConverter: (body: Body<typeof ops.installConverter>) =>
			call(ops.installConverter, { body }),
		updateConverter: ({
			name,
			...body
		}: Params<typeof ops.updateConverter> & Body<typeof ops.updateConverter>) =>
			call(ops.updateConverter, { params: { name }, body }),
		uninstallConverter: ({ name }: Params<typeof ops.uninstallConverter>) =>
			call(ops.uninstallConverter, { params: { name } }),
		listScopes: () => call(ops.listScopes),
		// logs
		tailLog: ({ service, ...query }: Params<typeof ops.tailLog> & Query<typeof ops.tailLog>) =>
			call(ops.tailLog, { params: { service }, query }),
		/** A long poll: waits up to `wait` seconds, so its budget is that plus the usual one. */
		followLog: ({
			service,
			signal,
			...query
		}: Params<typeof ops.followLog> & Query<typeof ops.followLog> & { signal?: AbortSignal }) =>
			call(ops.followLog, {
				params: { service },
				query,
				signal,
				timeoutMs: (query.wait ?? 20) * 1000 + options.timeoutMs
			})
	};
}

export type SyncApiClient = ReturnType<typeof createSyncApiClient>;

async function toSyncApiError(
	error: unknown,
	baseUrl: string,
	target: string
): Promise<SyncApiError> {
	if (error instanceof SyncApiError) return error;
	if (error instanceof HTTPError) {
		const status = error.response.status;
		const parsed = ErrorBody.safeParse(await error.response.json().catch(() => null));
		if (parsed.success) {
			const { code, message, details } = parsed.data.error;
			// A 5xx of the sync API is its fault, not the person's: the dashboard answers 502.
			return new SyncApiError(
				'rejected',
				status >= 500 && code !== 'NotSupported' ? 502 : status,
				message,
				code,
				details
			);
		}
		return unexpectedAnswer(target, `HTTP ${status} without the contract's error body`);
	}
	if (error instanceof TimeoutError) {
		return new SyncApiError('timeout', 504, `The sync API at ${baseUrl} did not answer in time`);
	}
	return new SyncApiError('unreachable', 503, `The sync API at ${baseUrl} is unreachable`);
}

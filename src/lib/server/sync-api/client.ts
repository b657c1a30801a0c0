import ky, { HTTPError, TimeoutError } from 'ky';
import type { z } from 'zod';
import {
	ErrorBody,
	operations as ops,
	successOf,
	type JsonBody,
	type Operation,
	type OperationId,
	type Success
} from '$lib/contract';
import { SyncApiError } from './sync-api-error';

// Path and query values are typed as the sync API reads them (ids as numbers, flags as
// booleans); the client turns them into strings.
type Params<O extends Operation> = O['request'] extends { params: infer S extends z.ZodType }
	? z.output<S>
	: object;
type Query<O extends Operation> = O['request'] extends { query: infer S extends z.ZodType }
	? Partial<z.output<S>>
	: object;
type Body<O extends Operation> = O['request'] extends { body: JsonBody<infer S> }
	? z.input<S>
	: object;
/** What a call of the operation takes: its path parameters, query and body in one object. */
type Input<O extends Operation> = Params<O> & Query<O> & Body<O>;

/** One operation as a function; its argument may be left out when nothing in it is required. */
type Call<O extends Operation> = [keyof Input<O>] extends [never]
	? () => Promise<Success<O>>
	: Partial<Input<O>> extends Input<O>
		? (input?: Input<O>) => Promise<Success<O>>
		: (input: Input<O>) => Promise<Success<O>>;

/** A function per operation of the contract, but the long poll, which has its own. */
type Calls = { [K in Exclude<OperationId, 'followLog'>]: Call<(typeof ops)[K]> };

interface CallInput {
	params?: Record<string, unknown>;
	query?: Record<string, unknown>;
	body?: unknown;
	/** For a long poll: a budget beyond the usual one, and a way to give up early. */
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface SyncApiClientOptions {
	baseUrl: string;
	timeoutMs: number;
	/** Tries after a failed read (2 by default); 0 for a glance that must not wait. */
	retries?: number;
	/** Sent as `Authorization: Bearer …` with every call; never shown or logged. */
	token?: string;
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

/** Splits a call's input: the names in the path are its parameters, the rest its query or body. */
function requestOf(operation: Operation, input: Record<string, unknown> = {}): CallInput {
	const names = new Set([...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
	const params: Record<string, unknown> = {};
	const rest: Record<string, unknown> = {};
	for (const [key, value] of Object.entries(input)) (names.has(key) ? params : rest)[key] = value;
	return operation.request?.query ? { params, query: rest } : { params, body: rest };
}

function searchOf(query: CallInput['query'] = {}): URLSearchParams {
	const search = new URLSearchParams();
	for (const [key, value] of Object.entries(query)) {
		if (value !== undefined && value !== '') search.set(key, String(value));
	}
	return search;
}

/**
 * The dashboard's client of the sync API: one function per operation of the contract, made
 * from its operation list, each answer parsed by the contract, every failure turned into a
 * `SyncApiError`.
 * Server-only: browser code never sees the sync API.
 */
export function createSyncApiClient(options: SyncApiClientOptions) {
	const http = ky.create({
		prefixUrl: options.baseUrl,
		timeout: options.timeoutMs,
		fetch: options.fetch,
		headers: options.token ? { authorization: `Bearer ${options.token}` } : undefined,
		// Reads are safe to repeat; a POST/PATCH/DELETE that timed out may have happened.
		retry: {
			limit: options.retries ?? 2,
			methods: ['get'],
			statusCodes: [408, 429, 500, 502, 503, 504]
		}
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

	// Built alike from the operation list; `Calls` types each from its own operation.
	const calls = Object.fromEntries(
		Object.entries(ops).map(([id, operation]: [string, Operation]) => [
			id,
			(input?: Record<string, unknown>) => call(operation, requestOf(operation, input))
		])
	) as unknown as Calls;

	return {
		baseUrl: options.baseUrl,
		...calls,
		/** A long poll: waits up to `wait` seconds, so its budget is that plus the usual one. */
		followLog: ({
			service,
			signal,
			...query
		}: Input<typeof ops.followLog> & { signal?: AbortSignal }) =>
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
		if (parsed.success && parsed.data.error.code === 'Unauthorized') {
			// The dashboard's setting is wrong, not the person's request.
			return new SyncApiError(
				'rejected',
				502,
				`The sync API at ${baseUrl} refused the dashboard's token (missing or wrong)`,
				'Unauthorized'
			);
		}
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

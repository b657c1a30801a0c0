import type { z } from 'zod';
import { ErrorBody, errorStatus, type ErrorCode } from './error-codes';

/**
 * An operation of the sync API, in the shape of an OpenAPI route config: the embedded
 * agent passes it to `createRoute` as it is, the dashboard's client reads the schemas
 * from it. Plain data, so this module needs no HTTP library.
 */
export interface Operation {
	method: 'get' | 'post' | 'patch' | 'delete';
	path: `/${string}`;
	operationId: string;
	summary: string;
	tags: string[];
	request?: {
		params?: z.ZodObject;
		query?: z.ZodObject;
		body?: JsonBody<z.ZodType>;
	};
	responses: Record<number, JsonResponse<z.ZodType>>;
}

interface JsonContent<S extends z.ZodType> {
	content: { 'application/json': { schema: S } };
}
export type JsonResponse<S extends z.ZodType> = JsonContent<S> & { description: string };
export type JsonBody<S extends z.ZodType> = JsonContent<S> & { required: true };

export function json<S extends z.ZodType>(schema: S, description: string): JsonResponse<S> {
	return { description, content: { 'application/json': { schema } } };
}

export function body<S extends z.ZodType>(schema: S): JsonBody<S> {
	return { required: true, content: { 'application/json': { schema } } };
}

type ErrorResponses<C extends ErrorCode> = {
	[K in C as (typeof errorStatus)[K]]: JsonResponse<typeof ErrorBody>;
};

/** The error responses of an operation; codes sharing a status share one entry. */
export function errors<const C extends ErrorCode[]>(...codes: C): ErrorResponses<C[number]> {
	const byStatus: Record<number, ErrorCode[]> = {};
	for (const code of ['InternalError', ...codes] as ErrorCode[]) {
		(byStatus[errorStatus[code]] ??= []).push(code);
	}
	return Object.fromEntries(
		Object.entries(byStatus).map(([status, list]) => [status, json(ErrorBody, list.join(', '))])
	) as ErrorResponses<C[number]>;
}

type SuccessResponse<O extends Operation> = O['responses'] extends infer R
	? R extends { 200: JsonResponse<infer S> }
		? S
		: R extends { 201: JsonResponse<infer S> }
			? S
			: never
	: never;

/** What a successful call of the operation answers, after parsing. */
export type Success<O extends Operation> = z.output<SuccessResponse<O>>;

/** The success status and schema of an operation (every operation has exactly one). */
export function successOf(operation: Operation): { status: number; schema: z.ZodType } {
	const status = Object.keys(operation.responses)
		.map(Number)
		.find((code) => code >= 200 && code < 300);
	const response = status === undefined ? undefined : operation.responses[status];
	if (status === undefined || !response) {
		throw new Error(`operation ${operation.operationId} declares no success response`);
	}
	return { status, schema: response.content['application/json'].schema };
}

import { z } from 'zod';
import { ErrorListQuery, ErrorPage } from './agent';
import { IdParam } from './common';
import { errors, json, type Operation } from './operation';

/** Which level an error was raised at: the agent itself, or one source. */
export const ErrorLevel = z.enum(['agent', 'source']);

export const UnreadCount = z.object({
	total: z.number().int().nonnegative(),
	unread: z.number().int().nonnegative()
});

export const ErrorCounts = z
	.object({
		agent: UnreadCount,
		sources: z.array(UnreadCount.extend({ source_id: z.number().int().positive() }))
	})
	.meta({ id: 'ErrorCounts' });

export const inboxOperations = {
	listErrors: {
		operationId: 'listErrors',
		method: 'get',
		path: '/api/v1/errors',
		summary: 'Agent and source errors in one inbox, newest first',
		tags: ['errors'],
		request: {
			query: ErrorListQuery.extend({ level: ErrorLevel.optional(), source_id: IdParam.optional() })
		},
		responses: { 200: json(ErrorPage, 'A page of errors'), ...errors('ValidationError') }
	},
	getErrorCounts: {
		operationId: 'getErrorCounts',
		method: 'get',
		path: '/api/v1/errors/counts',
		summary: 'Total and unread errors of the agent and of each source',
		tags: ['errors'],
		responses: { 200: json(ErrorCounts, 'The counts'), ...errors() }
	}
} satisfies Record<string, Operation>;

export type ErrorCounts = z.infer<typeof ErrorCounts>;

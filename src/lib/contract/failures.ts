import { z } from 'zod';
import { FailureFingerprint, Timestamp } from './common';
import { errors, json, type Operation } from './operation';

/**
 * Failed items grouped by cause (the embedded agent's): the same backend, exception and message
 * with its variable parts (paths, numbers, uuids, quoted values) as placeholders.
 */
export const FailureGroup = z
	.object({
		fingerprint: FailureFingerprint,
		/** The message with placeholders: `Skipped <path>: no data file`. */
		title: z.string(),
		exception: z.string(),
		backend: z.string(),
		/** Failed items now. */
		count: z.number().int().positive(),
		/** How many of them each source has, most first. */
		sources: z.array(
			z.object({ source_id: z.number().int().positive(), count: z.number().int().positive() })
		),
		/** When the oldest of these failures and the newest happened. */
		first_seen: Timestamp.nullable(),
		last_seen: Timestamp.nullable(),
		/** One of the items, the newest. */
		example: z
			.object({ source_id: z.number().int().positive(), item_id: z.number().int().positive() })
			.nullable()
	})
	.meta({ id: 'FailureGroup' });

export const FailureGroupQuery = z.object({
	/** One source's failed items only. */
	source_id: z.coerce.number().int().positive().optional()
});

export const FailureGroupParams = z.object({ fingerprint: FailureFingerprint });

export const failureOperations = {
	listFailureGroups: {
		method: 'get',
		path: '/api/v1/failure-groups',
		operationId: 'listFailureGroups',
		summary: 'Failed items grouped by cause, most items first',
		tags: ['items'],
		request: { query: FailureGroupQuery },
		responses: {
			200: json(z.array(FailureGroup), 'The groups with failed items'),
			...errors('ValidationError')
		}
	},
	resetFailureGroup: {
		method: 'post',
		path: '/api/v1/failure-groups/{fingerprint}/reset',
		operationId: 'resetFailureGroup',
		summary: 'Reset the failed items of one group (of one source, given one)',
		tags: ['items'],
		request: { params: FailureGroupParams, query: FailureGroupQuery },
		responses: {
			200: json(z.object({ count: z.number().int().nonnegative() }), 'How many were reset'),
			...errors('ValidationError')
		}
	}
} satisfies Record<string, Operation>;

export type FailureGroup = z.infer<typeof FailureGroup>;

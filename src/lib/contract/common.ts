import { z } from 'zod';

/** An instant, ISO 8601 with offset (the agent always writes UTC, `Z`). */
export const Timestamp = z.iso.datetime({ offset: true });

/**
 * Positive integer id in a path (`/sources/{id}`) or query, as the plain decimal digits it is
 * printed with: `0x1`, `1e3` or ` 1` would name the same row in other words.
 */
export const IdParam = z
	.string()
	.regex(/^[1-9][0-9]{0,14}$/, 'Must be a positive whole number, written in digits')
	.pipe(z.coerce.number());

/** `true`/`false` in a query string. */
export const BooleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

export const Uuid = z.uuid();

/** Opaque keyset cursor: the client passes back what it was given. */
export const Cursor = z.string().min(1).max(512);

/** A failure group's fingerprint (`listFailureGroups`): 16 hexadecimal characters. */
export const FailureFingerprint = z.string().regex(/^[0-9a-f]{16}$/, 'a failure group fingerprint');

export const Limit = z.coerce.number().int().min(1).max(500).default(50);

/** One page of a list; `next_cursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
	return z.object({ items: z.array(item), next_cursor: Cursor.nullable() });
}

/** One page of a list paged both ways; `previous_cursor` is null on the first page. */
export function twoWayPageOf<T extends z.ZodType>(item: T) {
	return pageOf(item).extend({ previous_cursor: Cursor.nullable() });
}

export const MessageBody = z
	.object({ message: z.string().trim().min(1, 'Describe the problem').max(5000) })
	.meta({ id: 'ReportRequest' });

export const ReportReceipt = z
	.object({ report_id: z.number().int().positive() })
	.meta({ id: 'ReportReceipt' });

export const FlipCount = z.object({ flipped: z.number().int().nonnegative() });

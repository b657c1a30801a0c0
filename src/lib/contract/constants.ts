/**
 * The contract's values that browser code needs, apart from its schemas: importing them from
 * the contract's index would ship zod (about 30 KB gzipped) to every page.
 */

/** The two local services of the SDK's `LogService`. */
export const LOG_SERVICES = ['api', 'sync_agent'] as const;

export type HistoryBucketSize = 'minute' | 'hour' | 'day';

/** Milliseconds in a history bucket of each size. */
export const BUCKET_MS: Record<HistoryBucketSize, number> = {
	minute: 60_000,
	hour: 3_600_000,
	day: 86_400_000
};

/** More buckets than this in one answer is a ValidationError (30 days of hours is 720). */
export const MAX_HISTORY_BUCKETS = 2_000;

import { z } from 'zod';
import { Timestamp } from './common';
import { BUCKET_MS } from './constants';
import { errors, json, type Operation } from './operation';

export { BUCKET_MS, MAX_HISTORY_BUCKETS } from './constants';

export const HistoryBucketSize = z.enum(
	Object.keys(BUCKET_MS) as [keyof typeof BUCKET_MS, ...(keyof typeof BUCKET_MS)[]]
);

export const HistoryQuery = z.object({
	bucket: HistoryBucketSize.default('hour'),
	/** From this time (the bucket it falls in) … */
	since: Timestamp,
	/** … to this one, excluded; now by default. */
	until: Timestamp.optional(),
	/** One source's outcomes; every source's (deleted ones too) without. */
	source_id: z.coerce.number().int().positive().optional(),
	/**
	 * Where days begin, in minutes east of UTC (the reader's time zone, as `Date`'s
	 * `-getTimezoneOffset()`): a day bucket is a day on the lab's clock.
	 */
	utc_offset_minutes: z.coerce.number().int().min(-840).max(840).default(0)
});

/** What happened in one bucket: sync outcomes (items) and the agent's cycles. */
export const HistoryBucket = z
	.object({
		start: Timestamp,
		/** Datasets synced, failed, and found missing (gone from their source). */
		synced: z.number().int().nonnegative(),
		failed: z.number().int().nonnegative(),
		missing: z.number().int().nonnegative(),
		/** Files and bytes stored by the syncs that succeeded. */
		files: z.number().int().nonnegative(),
		bytes: z.number().int().nonnegative(),
		/** Summed over the bucket's syncs, failed ones included. */
		sync_ms: z.number().int().nonnegative(),
		/** Cycles the agent completed, and how long they took; null without cycles. */
		cycles: z.number().int().nonnegative(),
		cycle_ms_mean: z.number().nonnegative().nullable(),
		cycle_ms_max: z.number().int().nonnegative().nullable()
	})
	.meta({ id: 'HistoryBucket' });

export const SyncHistory = z
	.object({
		bucket: HistoryBucketSize,
		since: Timestamp,
		until: Timestamp,
		source_id: z.number().int().positive().nullable(),
		/** Every bucket from `since` to `until`, empty ones included, oldest first. */
		buckets: z.array(HistoryBucket),
		/** How long outcomes are kept: older buckets are empty because they were pruned. */
		kept_days: z.number().positive()
	})
	.meta({ id: 'SyncHistory' });

/** Every outcome ever recorded (never pruned), per source and outcome: counters to scrape. */
export const SyncTotals = z
	.object({
		/** The upper bounds of the duration buckets, ascending; a last bucket holds the rest. */
		duration_buckets_seconds: z.array(z.number().positive()),
		totals: z.array(
			z.object({
				source_id: z.number().int().positive(),
				outcome: z.enum(['synced', 'failed', 'missing']),
				count: z.number().int().nonnegative(),
				files: z.number().int().nonnegative(),
				bytes: z.number().int().nonnegative(),
				duration_seconds: z.number().nonnegative(),
				/** How many took at most each bound (not cumulative), then how many took longer. */
				duration_counts: z.array(z.number().int().nonnegative())
			})
		)
	})
	.meta({ id: 'SyncTotals' });

export const historyOperations = {
	getSyncHistory: {
		method: 'get',
		path: '/api/v1/history',
		operationId: 'getSyncHistory',
		summary: 'Sync outcomes and agent cycles over time, in buckets',
		tags: ['history'],
		request: { query: HistoryQuery },
		responses: {
			200: json(SyncHistory, 'The buckets'),
			...errors('ValidationError', 'NotFound')
		}
	},
	getSyncTotals: {
		method: 'get',
		path: '/api/v1/history/totals',
		operationId: 'getSyncTotals',
		summary: 'Every sync outcome ever recorded, per source and outcome',
		tags: ['history'],
		responses: { 200: json(SyncTotals, 'The totals'), ...errors() }
	}
} satisfies Record<string, Operation>;

export type HistoryBucketSize = z.infer<typeof HistoryBucketSize>;
export type HistoryBucket = z.infer<typeof HistoryBucket>;
export type SyncHistory = z.infer<typeof SyncHistory>;
export type SyncTotals = z.infer<typeof SyncTotals>;
export type HistoryQuery = z.input<typeof HistoryQuery>;

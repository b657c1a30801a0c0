/**
 * The sync history: one row per outcome (an item synced, failed or found missing) and, per
 * minute, the agent's cycles. Kept for a configured number of days and rows; served in buckets.
 */
import {
	BUCKET_MS,
	MAX_HISTORY_BUCKETS,
	type HistoryBucket,
	type HistoryBucketSize,
	type SyncHistory,
	type SyncTotals
} from '../../lib/contract';
import type { Db } from '../db/database';
import { ContractError } from './contract-error';

export type Outcome = 'synced' | 'failed' | 'missing';

export interface OutcomeRecord {
	sourceId: number;
	itemId: number;
	outcome: Exclude<Outcome, 'missing'>;
	files: number;
	bytes: number;
	durationMs: number;
	/** The failure's exception name. */
	errorType: string | null;
}

/** How long and how much history is kept (agent settings). */
export interface HistoryLimits {
	days: number;
	maxRows: number;
}

/** A sync's duration is counted in the first of these (seconds) it does not exceed. */
export const DURATION_BUCKETS_S = [0.1, 0.5, 1, 5, 15, 60, 300, 1800];

const ADD_TO_TOTALS = `INSERT INTO sync_totals (source_id, outcome, bucket, count, files, bytes, duration_ms)
	VALUES (?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (source_id, outcome, bucket) DO UPDATE SET count = count + excluded.count,
		files = files + excluded.files, bytes = bytes + excluded.bytes,
		duration_ms = duration_ms + excluded.duration_ms`;

/** The bucket of a duration: the index of the first bound it does not exceed, or past them. */
function durationBucket(ms: number): number {
	const index = DURATION_BUCKETS_S.findIndex((bound) => ms <= bound * 1000);
	return index === -1 ? DURATION_BUCKETS_S.length : index;
}

/** Records one sync's outcome; part of the caller's transaction. */
export function recordOutcome(db: Db, record: OutcomeRecord): void {
	const durationMs = Math.round(record.durationMs);
	db.prepare(ADD_TO_TOTALS).run(
		record.sourceId,
		record.outcome,
		durationBucket(durationMs),
		1,
		record.files,
		record.bytes,
		durationMs
	);
	db.prepare(
		`INSERT INTO sync_history (at, source_id, item_id, outcome, files, bytes, duration_ms, error_type)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`
	).run(
		Date.now(),
		record.sourceId,
		record.itemId,
		record.outcome,
		record.files,
		record.bytes,
		durationMs,
		record.errorType
	);
}

/**
 * Records as missing the items of a source that `where` (a condition on `items`, its
 * parameters after the source's id) is about to mark missing; part of the caller's transaction.
 */
export function recordMissing(
	db: Db,
	sourceId: number,
	where: string,
	...params: (string | number)[]
): void {
	const recorded = db
		.prepare(
			`INSERT INTO sync_history (at, source_id, item_id, outcome)
			SELECT ?, source_id, id, 'missing' FROM items WHERE source_id = ? AND missing = 0 AND ${where}`
		)
		.run(Date.now(), sourceId, ...params).changes;
	if (recorded) db.prepare(ADD_TO_TOTALS).run(sourceId, 'missing', 0, recorded, 0, 0, 0);
}

/** Takes back the missing outcomes of items found again since `since` (ms): they never went. */
export function forgetMissing(db: Db, sourceId: number, since: number, itemIds: number[]): void {
	const remove = db.prepare(
		`DELETE FROM sync_history WHERE source_id = ? AND item_id = ? AND outcome = 'missing' AND at >= ?`
	);
	for (const id of itemIds) remove.run(sourceId, id, since);
}

/** Counts one finished cycle of the agent into its minute. */
export function recordCycle(db: Db, durationMs: number): void {
	const ms = Math.round(durationMs);
	db.prepare(
		`INSERT INTO cycle_minutes (minute, cycles, total_ms, max_ms) VALUES (?, 1, ?, ?)
		ON CONFLICT (minute) DO UPDATE SET cycles = cycles + 1, total_ms = total_ms + excluded.total_ms,
			max_ms = MAX(max_ms, excluded.max_ms)`
	).run(Math.floor(Date.now() / BUCKET_MS.minute), ms, ms);
}

/**
 * Drops outcomes older than the kept days, then the oldest beyond the kept rows (ids only grow,
 * so the newest rows are the highest ids); cycles older than the kept days. How many outcomes.
 */
export function pruneHistory(db: Db, limits: HistoryLimits, at = Date.now()): number {
	const cutoff = at - limits.days * BUCKET_MS.day;
	const old = db.prepare('DELETE FROM sync_history WHERE at < ?').run(cutoff).changes;
	const over = db
		.prepare('DELETE FROM sync_history WHERE id <= (SELECT MAX(id) FROM sync_history) - ?')
		.run(limits.maxRows).changes;
	db.prepare('DELETE FROM cycle_minutes WHERE minute < ?').run(
		Math.floor(cutoff / BUCKET_MS.minute)
	);
	return old + over;
}

/** Every outcome ever recorded, per source and outcome, as Prometheus counts them. */
export function readTotals(db: Db): SyncTotals {
	const rows = db
		.prepare(
			'SELECT source_id, outcome, bucket, count, files, bytes, duration_ms FROM sync_totals ORDER BY source_id, outcome, bucket'
		)
		.all() as {
		source_id: number;
		outcome: Outcome;
		bucket: number;
		count: number;
		files: number;
		bytes: number;
		duration_ms: number;
	}[];
	const totals = new Map<string, SyncTotals['totals'][number]>();
	for (const row of rows) {
		const key = `${row.source_id} ${row.outcome}`;
		let total = totals.get(key);
		if (!total) {
			total = {
				source_id: row.source_id,
				outcome: row.outcome,
				count: 0,
				files: 0,
				bytes: 0,
				duration_seconds: 0,
				duration_counts: DURATION_BUCKETS_S.map(() => 0).concat(0)
			};
			totals.set(key, total);
		}
		total.count += row.count;
		total.files += row.files;
		total.bytes += row.bytes;
		total.duration_seconds += row.duration_ms / 1000;
		total.duration_counts[row.bucket]! += row.count;
	}
	return { duration_buckets_seconds: DURATION_BUCKETS_S, totals: [...totals.values()] };
}

/** How many outcomes were ever recorded: grows with each one, pruning or not. */
export function outcomesRecorded(db: Db): number {
	const row = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'sync_history'").get() as
		{ seq: number } | undefined;
	return row?.seq ?? 0;
}

export interface HistoryRequest {
	bucket: HistoryBucketSize;
	since: string;
	until?: string;
	source_id?: number;
	utc_offset_minutes: number;
}

/** The buckets from `since` to `until`, every one of them, summed from the rows in each. */
export function readHistory(db: Db, request: HistoryRequest, limits: HistoryLimits): SyncHistory {
	const size = BUCKET_MS[request.bucket];
	const offset = request.utc_offset_minutes * 60_000;
	const until = request.until ? Date.parse(request.until) : Date.now();
	// Buckets begin on the reader's clock: a day at local midnight, an hour on the hour.
	const first = Math.floor((Date.parse(request.since) + offset) / size) * size - offset;
	const count = Math.ceil((until - first) / size);
	if (count <= 0) throw new ContractError('ValidationError', '`until` must come after `since`');
	if (count > MAX_HISTORY_BUCKETS) {
		throw new ContractError(
			'ValidationError',
			`That is ${count} buckets; at most ${MAX_HISTORY_BUCKETS} are served: take larger buckets or a shorter time`
		);
	}
	const sourceId = request.source_id ?? null;
	if (sourceId !== null && !db.prepare('SELECT 1 FROM sources WHERE id = ?').get(sourceId)) {
		throw new ContractError('NotFound', `No source with id ${sourceId}`);
	}
	const buckets: HistoryBucket[] = Array.from({ length: count }, (_, i) => ({
		start: new Date(first + i * size).toISOString(),
		synced: 0,
		failed: 0,
		missing: 0,
		files: 0,
		bytes: 0,
		sync_ms: 0,
		cycles: 0,
		cycle_ms_mean: null,
		cycle_ms_max: null
	}));
	const outcomes = db
		.prepare(
			`SELECT CAST((at - ?) / ? AS INTEGER) AS bucket, outcome, COUNT(*) AS count, SUM(files) AS files,
				SUM(bytes) AS bytes, SUM(duration_ms) AS sync_ms
			FROM sync_history WHERE at >= ? AND at < ? ${sourceId === null ? '' : 'AND source_id = ?'}
			GROUP BY bucket, outcome`
		)
		.all(first, size, first, until, ...(sourceId === null ? [] : [sourceId])) as {
		bucket: number;
		outcome: Outcome;
		count: number;
		files: number;
		bytes: number;
		sync_ms: number;
	}[];
	for (const row of outcomes) {
		const bucket = buckets[row.bucket]!;
		bucket[row.outcome] += row.count;
		if (row.outcome === 'synced') {
			bucket.files += row.files;
			bucket.bytes += row.bytes;
		}
		bucket.sync_ms += row.sync_ms;
	}
	if (sourceId === null) {
		const cycles = db
			.prepare(
				`SELECT CAST((minute * 60000 - ?) / ? AS INTEGER) AS bucket, SUM(cycles) AS cycles, SUM(total_ms) AS total_ms,
					MAX(max_ms) AS max_ms
				FROM cycle_minutes WHERE minute >= ? AND minute < ? GROUP BY bucket`
			)
			.all(
				first,
				size,
				Math.ceil(first / BUCKET_MS.minute),
				Math.ceil(until / BUCKET_MS.minute)
			) as { bucket: number; cycles: number; total_ms: number; max_ms: number }[];
		for (const row of cycles) {
			const bucket = buckets[row.bucket];
			if (!bucket) continue;
			bucket.cycles = row.cycles;
			bucket.cycle_ms_mean = row.total_ms / row.cycles;
			bucket.cycle_ms_max = row.max_ms;
		}
	}
	return {
		bucket: request.bucket,
		since: buckets[0]!.start,
		until: new Date(until).toISOString(),
		source_id: sourceId,
		buckets,
		kept_days: limits.days
	};
}

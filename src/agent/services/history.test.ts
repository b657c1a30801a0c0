import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../../../tests/helpers';
import { openDatabase } from '../db/database';
import { outcomesRecorded, pruneHistory, readHistory, recordCycle, recordOutcome } from './history';

const HOUR = 3_600_000;

function database() {
	const db = openDatabase(path.join(tempDir('qh-history-', onTestFinished), 'agent.sqlite'));
	onTestFinished(() => {
		db.close();
	});
	return db;
}

/** `count` outcomes, one every `everyMs` back from now (returned), the newest last. */
function recordPast(db: ReturnType<typeof database>, count: number, everyMs: number): number {
	const insert = db.prepare(
		`INSERT INTO sync_history (at, source_id, item_id, outcome, files, bytes) VALUES (?, 1, ?, 'synced', 1, 10)`
	);
	const now = Date.now();
	db.transaction(() => {
		for (let i = count; i > 0; i--) insert.run(now - i * everyMs, i);
	})();
	return now;
}

describe('the history kept', () => {
	it('drops what is older than the kept days, then the oldest past the kept rows', () => {
		const db = database();
		// 3000 outcomes over 3000 minutes (about two days).
		const now = recordPast(db, 3000, 60_000);
		expect(pruneHistory(db, { days: 1, maxRows: 100_000 }, now)).toBe(3000 - 1440);
		const oldest = db.prepare('SELECT MIN(at) FROM sync_history').pluck().get() as number;
		expect(now - oldest).toBe(86_400_000);

		pruneHistory(db, { days: 1, maxRows: 1000 }, now);
		expect(db.prepare('SELECT COUNT(*) FROM sync_history').pluck().get()).toBe(1000);
		// The newest are kept, and the count of all ever recorded goes on.
		expect(db.prepare('SELECT MAX(item_id) FROM sync_history').pluck().get()).toBe(1000);
		recordOutcome(db, {
			sourceId: 1,
			itemId: 1,
			outcome: 'failed',
			files: 0,
			bytes: 0,
			durationMs: 5,
			errorType: 'Error'
		});
		expect(outcomesRecorded(db)).toBe(3001);
	});

	it('sums cycles per bucket, and buckets outside the rows come out empty', () => {
		const db = database();
		recordCycle(db, 10);
		recordCycle(db, 30);
		recordPast(db, 5, HOUR);
		const history = readHistory(
			db,
			{
				bucket: 'hour',
				since: new Date(Date.now() - 10 * HOUR).toISOString(),
				utc_offset_minutes: 0
			},
			{ days: 30, maxRows: 1000 }
		);
		expect(history.buckets).toHaveLength(11);
		const last = history.buckets.at(-1)!;
		expect(last).toMatchObject({ cycles: 2, cycle_ms_mean: 20, cycle_ms_max: 30 });
		expect(history.buckets.reduce((sum, bucket) => sum + bucket.synced, 0)).toBe(5);
		expect(history.buckets.slice(0, 5).every((bucket) => bucket.synced === 0)).toBe(true);
	});
});

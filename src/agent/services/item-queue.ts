import { randomUUID } from 'node:crypto';
import type { ScanResult } from '../backends/types';
import { now, writeTransaction, type Db } from '../db/database';
import { failureGroupOf } from './failure-groups';
import { forgetMissing, recordMissing, recordOutcome, type OutcomeRecord } from './history';
import { searchKey } from './items';
import { waitsForMapping } from './scopes';
import { saveSyncRecord } from './sync-records';

/** After the n-th failed attempt, wait this long: 20 min, 1 h, 2 h, 8 h, then daily. */
const RETRY_DELAYS_MS = [20 * 60e3, 60 * 60e3, 2 * 60 * 60e3, 8 * 60 * 60e3];
const DAY_MS = 24 * 60 * 60e3;

export function retryDelay(attempts: number): number {
	return RETRY_DELAYS_MS[attempts - 1] ?? DAY_MS;
}

/**
 * When a scanned item keeps its attempts, error and retry time: unless its files changed, or it
 * is back from missing unsynced (what failed may have failed for want of its folder).
 */
const KEEPS_ATTEMPTS = `items.fingerprint IS excluded.fingerprint
	AND (items.synchronized OR NOT items.missing)`;

/**
 * A scan that looked everywhere under the source's folder (or, with `examined`, everywhere in
 * those folders) but in the folders it skipped (named in `skipped`: what they hold is not
 * missing).
 */
export interface CompleteScan extends ScanResult {
	sourceId: number;
	/** The source's settings it was made with: it is saved only while the source has them. */
	configData: string;
	/** The source's folder it scanned ('' for backends without one). */
	root: string;
}

/**
 * Saves a scan in one transaction: items for new datasets, changed ones updated (a dataset
 * whose files changed since it was synced is queued again), unchanged rows not written.
 * Items of the root the scan did not find, and items of any other root, become missing;
 * one found again comes back. A scan made with settings the source no longer has (changed
 * or deleted meanwhile) saves nothing. How many items were new or changed, and went missing.
 */
export function saveScan(db: Db, scan: CompleteScan): { changed: number; missing: number } {
	const upsert = db.prepare(
		`INSERT INTO items (source_id, root, data_identifier, search_key, dataset_uuid, scope_identifier, fingerprint, live, unmapped, last_update)
		VALUES (@source, @root, @identifier, @searchKey, @uuid, @scope, @fingerprint, @live, ${waitsForMapping('@source', '@scope')}, @now)
		ON CONFLICT (source_id, root, data_identifier) DO UPDATE SET
			fingerprint = excluded.fingerprint,
			live = excluded.live,
			scope_identifier = excluded.scope_identifier,
			unmapped = excluded.unmapped,
			-- Synced while live, then complete: the final sync is still due, same files or not.
			synchronized = items.synchronized AND items.synced_fingerprint IS excluded.fingerprint
				AND NOT (items.live AND NOT excluded.live),
			attempts = CASE WHEN ${KEEPS_ATTEMPTS} THEN items.attempts ELSE 0 END,
			error = CASE WHEN ${KEEPS_ATTEMPTS} THEN items.error END,
			failure_group = CASE WHEN ${KEEPS_ATTEMPTS} THEN items.failure_group END,
			next_attempt_at = CASE WHEN ${KEEPS_ATTEMPTS} THEN items.next_attempt_at END,
			missing = 0,
			last_update = excluded.last_update
		WHERE items.fingerprint IS NOT excluded.fingerprint OR items.live != excluded.live
			OR items.scope_identifier IS NOT excluded.scope_identifier OR items.unmapped != excluded.unmapped
			OR items.missing`
	);
	const present = db.prepare(
		`SELECT id, data_identifier, fingerprint, live, scope_identifier FROM items
		WHERE source_id = ? AND root = ? AND missing = 0`
	);
	const markMissing = db.prepare('UPDATE items SET missing = 1, last_update = ? WHERE id = ?');
	const time = now();
	return writeTransaction(db, () => {
		const settings = db.prepare('SELECT config_data FROM sources WHERE id = ?').get(scan.sourceId);
		if ((settings as { config_data: string } | undefined)?.config_data !== scan.configData) {
			return { changed: 0, missing: 0 };
		}
		const known = new Map(
			(present.all(scan.sourceId, scan.root) as PresentItem[]).map((item) => [
				item.data_identifier,
				item
			])
		);
		let changed = 0;
		for (const dataset of scan.datasets) {
			// Most of a rescan is unchanged: those rows are compared here, not upserted.
			const before = known.get(dataset.dataIdentifier);
			if (
				before?.fingerprint === dataset.fingerprint &&
				before.live === (dataset.live ? 1 : 0) &&
				before.scope_identifier === dataset.scopeIdentifier
			)
				continue;
			changed += upsert.run({
				source: scan.sourceId,
				root: scan.root,
				identifier: dataset.dataIdentifier,
				searchKey: searchKey(dataset.dataIdentifier),
				uuid: randomUUID(),
				scope: dataset.scopeIdentifier,
				fingerprint: dataset.fingerprint,
				live: dataset.live ? 1 : 0,
				now: time
			}).changes;
		}
		const found = new Set(scan.datasets.map((dataset) => dataset.dataIdentifier));
		const skipped = new Set(scan.skipped.map(({ name }) => name));
		// A scan of changes answers only for the folders it looked at.
		const examined = scan.examined && !scan.examined.includes('') ? new Set(scan.examined) : null;
		const unseen = (identifier: string) =>
			!found.has(identifier) &&
			!isAtOrUnder(identifier, skipped) &&
			(!examined || isAtOrUnder(identifier, examined));
		let missing = markOtherRootsMissing(db, scan.sourceId, scan.root);
		const gone = [...known.values()].filter((item) => unseen(item.data_identifier));
		// One statement for the history, however many went: a folder of thousands can go at once.
		if (gone.length)
			recordMissing(
				db,
				scan.sourceId,
				'id IN (SELECT value FROM json_each(?))',
				JSON.stringify(gone.map((item) => item.id))
			);
		for (const item of gone) missing += markMissing.run(time, item.id).changes;
		// The rows the upserts skipped keep their flag: every change of a mapping or of the
		// default scope recomputes it for the whole source (refreshUnmapped).
		return { changed, missing };
	});
}

interface PresentItem {
	id: number;
	data_identifier: string;
	fingerprint: string | null;
	live: number;
	scope_identifier: string | null;
}

/** Whether `identifier` is one of `folders` or lies under one: one lookup per path level. */
function isAtOrUnder(identifier: string, folders: Set<string>): boolean {
	for (let end = identifier.length; end > 0; end = identifier.lastIndexOf('/', end - 1)) {
		if (folders.has(identifier.slice(0, end))) return true;
	}
	return false;
}

/**
 * Marks the source's items found under another folder than `root` missing: a source pointed
 * at another folder never syncs, nor counts as failed, what it found in the old one. How many.
 */
export function markOtherRootsMissing(db: Db, sourceId: number, root: string): number {
	return writeTransaction(db, () => {
		recordMissing(db, sourceId, 'root != ?', root);
		return db
			.prepare(
				'UPDATE items SET missing = 1, last_update = ? WHERE source_id = ? AND root != ? AND missing = 0'
			)
			.run(now(), sourceId, root).changes;
	});
}

const QUEUED_COLUMNS = `id, data_identifier, dataset_uuid, scope_identifier, fingerprint, resets, live,
	COALESCE(
		(SELECT default_scope FROM sources WHERE id = items.source_id),
		(SELECT scope_uuid FROM scope_mappings m
			WHERE m.source_id = items.source_id AND m.scope_identifier = items.scope_identifier)
	) AS scope_uuid`;

/** An item taken from the queue, with what its outcome is checked against. */
export interface QueuedItem {
	id: number;
	data_identifier: string;
	dataset_uuid: string;
	scope_identifier: string | null;
	/** Where it goes: the source's default scope, else its identifier's mapping, as queued. */
	scope_uuid: string | null;
	fingerprint: string | null;
	resets: number;
	/** As the last scan found it: still being measured. */
	live: number;
}

/**
 * The source's next item due for a sync, highest priority first; none when all are done.
 * Only items found under `root`, the folder the caller reads them from, and not missing;
 * live ones only with `live` (a backend that syncs a measurement as it grows).
 */
export function nextDueItem(
	db: Db,
	sourceId: number,
	root: string,
	{ live, busy = [] }: { live: boolean; busy?: number[] } = { live: false }
): QueuedItem | undefined {
	return db
		.prepare(
			`SELECT ${QUEUED_COLUMNS}
			FROM items WHERE source_id = ? AND synchronized = 0 AND unmapped = 0 AND missing = 0
				AND root = ? AND (live = 0 OR ?) AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
				AND id NOT IN (SELECT value FROM json_each(?))
			ORDER BY priority DESC, id LIMIT 1`
		)
		.get(sourceId, root, live ? 1 : 0, now(), JSON.stringify(busy)) as QueuedItem | undefined;
}

/** The source's live items under `root`, mapped and found: those a live dataset follower watches. */
export function listLiveItems(db: Db, sourceId: number, root: string): QueuedItem[] {
	return db
		.prepare(
			`SELECT ${QUEUED_COLUMNS} FROM items
			WHERE source_id = ? AND root = ? AND live = 1 AND unmapped = 0 AND missing = 0 ORDER BY id`
		)
		.all(sourceId, root) as QueuedItem[];
}

/**
 * Saves what one attempt came to (`error` null: synchronized), unless the item changed under
 * it (a rescan found other files, a reset asked for a new sync) or its source was stopped or
 * deleted: then the attempt is moot and nothing is saved. Whether it was saved.
 */
export function saveOutcome(
	db: Db,
	item: QueuedItem,
	record: Parameters<typeof saveSyncRecord>[2],
	error: string | null,
	{ liveFill = null, history }: { liveFill?: number | null; history: SyncCost | null }
): boolean {
	return writeTransaction(db, () => {
		// Only while its source runs: a stop or delete that came first wins.
		const current = db
			.prepare(
				`SELECT i.attempts, i.source_id, s.backend_identifier FROM items i JOIN sources s ON s.id = i.source_id
				WHERE i.id = ? AND i.fingerprint IS ? AND i.resets = ? AND s.status IN ('syncing', 'scanning')`
			)
			.get(item.id, item.fingerprint, item.resets) as
			{ attempts: number; source_id: number; backend_identifier: string } | undefined;
		if (!current) return false;
		if (history) {
			recordOutcome(db, {
				...history,
				sourceId: current.source_id,
				itemId: item.id,
				outcome: error ? 'failed' : 'synced'
			});
		}
		const attempts = current.attempts + 1;
		const retryAt = error ? new Date(Date.now() + retryDelay(attempts)).toISOString() : null;
		const group = error
			? failureGroupOf(db, {
					backend: current.backend_identifier,
					exception: history?.errorType ?? 'Error',
					message: error
				})
			: null;
		db.prepare(
			`UPDATE items SET synchronized = ?, attempts = ?, error = ?, failure_group = ?, next_attempt_at = ?,
				last_update = ?, synced_fingerprint = CASE WHEN ? THEN fingerprint ELSE synced_fingerprint END,
				live_fill = ?
			WHERE id = ?`
		).run(error ? 0 : 1, attempts, error, group, retryAt, now(), error ? 0 : 1, liveFill, item.id);
		saveSyncRecord(db, item.id, record);
		return true;
	});
}

/** What a sync cost, for the history: null for a live dataset's passing copies. */
export type SyncCost = Pick<OutcomeRecord, 'files' | 'bytes' | 'durationMs' | 'errorType'>;

/**
 * Leaves an item that could not be read now (its data locked) for `at`, without counting an
 * attempt or recording an error; unless it changed meanwhile.
 */
export function postponeItem(db: Db, item: QueuedItem, at: string): void {
	db.prepare(
		'UPDATE items SET next_attempt_at = ? WHERE id = ? AND fingerprint IS ? AND resets = ?'
	).run(at, item.id, item.fingerprint, item.resets);
}

/**
 * Makes a never-synced item upload to `datasetUuid` (a dataset an earlier sync of its folder
 * made, named by a manifest there), unless another item has that dataset. Whether it did.
 */
export function adoptDatasetUuid(db: Db, item: QueuedItem, datasetUuid: string): boolean {
	return (
		db
			.prepare(
				`UPDATE items SET dataset_uuid = @uuid WHERE id = @id AND synced_fingerprint IS NULL
				AND NOT EXISTS (SELECT 1 FROM items WHERE dataset_uuid = @uuid)`
			)
			.run({ uuid: datasetUuid, id: item.id }).changes === 1
	);
}

/**
 * Takes back what went missing in the source's folder since `since`: when the folder itself
 * vanishes (a drive unplugged, a share gone, a folder removed whole), a scan of the changes met
 * it half-gone, and its items went with the folder, not one by one. The scan when it is back
 * decides again. How many.
 */
export function restoreRecentlyMissing(db: Db, sourceId: number, since: string): number {
	return writeTransaction(db, () => {
		const restored = db
			.prepare('SELECT id FROM items WHERE source_id = ? AND missing = 1 AND last_update >= ?')
			.pluck()
			.all(sourceId, since) as number[];
		forgetMissing(db, sourceId, Date.parse(since), restored);
		return db
			.prepare(
				'UPDATE items SET missing = 0, last_update = ? WHERE source_id = ? AND missing = 1 AND last_update >= ?'
			)
			.run(now(), sourceId, since).changes;
	});
}

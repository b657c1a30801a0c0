import type { Item } from '../../lib/contract';
import { ContractError } from './contract-error';
import type { Db } from '../db/database';
import { now } from '../db/database';
import { decodeCursor, encodeCursor } from './cursor';
import { syncRecordJson } from './sync-records';

export interface ItemRow {
	id: number;
	source_id: number;
	data_identifier: string;
	dataset_uuid: string;
	scope_identifier: string | null;
	priority: number;
	synchronized: number;
	attempts: number;
	error: string | null;
	live: number;
	live_fill: number | null;
	next_attempt_at: string | null;
	last_update: string | null;
	missing: number;
}

const ITEM_COLUMNS = `id, source_id, data_identifier, dataset_uuid, scope_identifier, priority,
	synchronized, attempts, error, live, live_fill, next_attempt_at, last_update, missing`;

export function toItem(row: ItemRow): Item {
	return {
		...row,
		synchronized: row.synchronized === 1,
		live: row.live === 1,
		// What a live dataset's last sync held: nothing to show once it is complete.
		live_fill: row.live === 1 ? row.live_fill : null,
		missing: row.missing === 1
	};
}

/** Sort keys: the column, and a non-null expression of it for keyset comparison. */
const sortKeys = {
	id: 'id',
	data_identifier: 'data_identifier',
	last_update: "COALESCE(last_update, '')",
	priority: 'priority'
} as const;

const sortTypes = {
	id: 'number',
	data_identifier: 'string',
	last_update: 'string',
	priority: 'number'
} as const;

/** What search compares: Unicode case-folded, so "élan" finds "Metingen/Élan". */
export function searchKey(text: string): string {
	return text.normalize('NFKC').toLowerCase();
}

export interface ItemQuery {
	is_synchronized?: boolean;
	is_missing?: boolean;
	is_live?: boolean;
	failed_since?: string;
	failed_until?: string;
	failure_group?: string;
	query?: string;
	order_by: keyof typeof sortKeys;
	order: 'asc' | 'desc';
	cursor?: string;
	limit: number;
}

/** A page of items, keyset-paged on (sort key, id): never OFFSET. */
export function listItems(db: Db, sourceId: number | undefined, query: ItemQuery) {
	const where: string[] = [];
	const params: (string | number)[] = [];
	let from = 'items';
	let key: string = sortKeys[query.order_by];
	if (sourceId !== undefined) {
		where.push('source_id = ?');
		params.push(sourceId);
	}
	if (query.is_synchronized !== undefined) {
		where.push('synchronized = ?');
		params.push(query.is_synchronized ? 1 : 0);
	}
	if (query.is_missing !== undefined) {
		where.push('missing = ?');
		params.push(query.is_missing ? 1 : 0);
	}
	if (query.is_live !== undefined) {
		where.push('live = ?');
		params.push(query.is_live ? 1 : 0);
	}
	if (query.failure_group !== undefined) {
		where.push('failure_group = ? AND failed');
		params.push(query.failure_group);
	}
	if (query.failed_since !== undefined) {
		where.push(
			`items.id IN (SELECT item_id FROM sync_history WHERE outcome = 'failed' AND at >= ? AND at < ?)`
		);
		params.push(
			Date.parse(query.failed_since),
			query.failed_until ? Date.parse(query.failed_until) : Date.now()
		);
	}
	if (query.query) {
		const folded = searchKey(query.query);
		// The trigram index answers substrings of 3 characters and more; shorter ones scan.
		if ([...folded].length >= 3) {
			// The index is the outer loop (CROSS JOIN fixes the order) and yields rows in id
			// order, so the default order stops after one page even when most items match.
			from = 'items_search CROSS JOIN items ON items.id = items_search.rowid';
			if (query.order_by === 'id') key = 'items_search.rowid';
			where.push('items_search MATCH ?');
			params.push(`"${folded.replaceAll('"', '""')}"`);
		} else {
			where.push("search_key LIKE ? ESCAPE '\\'");
			params.push(`%${folded.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
		}
	}
	const direction = query.order === 'asc' ? 'ASC' : 'DESC';
	const after = query.order === 'asc' ? '>' : '<';
	// The id orders alone (a second term would keep SQLite from reading the index in order).
	const byId = query.order_by === 'id';
	if (query.cursor) {
		const [value, id] = decodeCursor(query.cursor, [
			query.order_by,
			sortTypes[query.order_by],
			'number'
		]);
		where.push(byId ? `${key} ${after} ?` : `(${key}, id) ${after} (?, ?)`);
		params.push(...(byId ? [id as number] : [value as string | number, id as number]));
	}
	const sql = `SELECT ${ITEM_COLUMNS}, ${key} AS sort_value FROM ${from}
		${where.length ? `WHERE ${where.join(' AND ')}` : ''}
		ORDER BY ${key} ${direction}${byId ? '' : `, id ${direction}`} LIMIT ?`;
	const rows = db.prepare(sql).all(...params, query.limit + 1) as (ItemRow & {
		sort_value: string | number;
	})[];
	const page = rows.slice(0, query.limit);
	const last = page.at(-1);
	return {
		items: page.map(({ sort_value: _sort, ...row }) => toItem(row)),
		next_cursor:
			rows.length > query.limit && last
				? encodeCursor(query.order_by, [last.sort_value, last.id])
				: null
	};
}

export function getItemRow(db: Db, sourceId: number, itemId: number): ItemRow {
	const row = db
		.prepare(`SELECT ${ITEM_COLUMNS} FROM items WHERE id = ? AND source_id = ?`)
		.get(itemId, sourceId) as ItemRow | undefined;
	if (!row) throw new ContractError('NotFound', `No item ${itemId} in sync source ${sourceId}`);
	return row;
}

/** An item with its sync record, as the JSON text of an `ItemDetail` (see syncRecordJson). */
export function itemDetailJson(db: Db, sourceId: number, itemId: number): string {
	const item = toItem(getItemRow(db, sourceId, itemId));
	return `${JSON.stringify(item).slice(0, -1)},"sync_record":${syncRecordJson(db, itemId)}}`;
}

/** The item, changed by `assignments` in one statement (nothing to race with), or NotFound. */
function updateItem(db: Db, sourceId: number, itemId: number, assignments: string): Item {
	const row = db
		.prepare(
			`UPDATE items SET ${assignments}, last_update = ? WHERE id = ? AND source_id = ?
			RETURNING ${ITEM_COLUMNS}`
		)
		.get(now(), itemId, sourceId) as ItemRow | undefined;
	if (!row) throw new ContractError('NotFound', `No item ${itemId} in sync source ${sourceId}`);
	return toItem(row);
}

/** Puts the item first in its source's queue, and due now. */
export function prioritizeItem(db: Db, sourceId: number, itemId: number): Item {
	return updateItem(
		db,
		sourceId,
		itemId,
		'priority = (SELECT MAX(priority) FROM items WHERE source_id = items.source_id) + 1, next_attempt_at = NULL'
	);
}

/**
 * Clears attempts and error and queues the item again. A sync of it already under way is not
 * saved afterwards (`resets` moved on), so the reset always leads to a new sync.
 */
export const RESET = `synchronized = 0, attempts = 0, error = NULL, failure_group = NULL,
	next_attempt_at = NULL, synced_fingerprint = NULL, resets = resets + 1`;

export function resetItem(db: Db, sourceId: number, itemId: number): Item {
	return updateItem(db, sourceId, itemId, RESET);
}

/** Resets a source's failed items, or all of them; how many were reset. */
export function resetItems(db: Db, sourceId: number, includeSuccessful: boolean): number {
	const which = includeSuccessful ? '' : 'AND failed = 1';
	return db
		.prepare(`UPDATE items SET ${RESET}, last_update = ? WHERE source_id = ? ${which}`)
		.run(now(), sourceId).changes;
}

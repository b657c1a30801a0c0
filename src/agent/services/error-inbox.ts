import type { ErrorRecord } from '../../lib/contract';
import type { Db } from '../db/database';
import { now } from '../db/database';
import { decodeCursor, encodeCursor } from './cursor';

interface ErrorRow {
	id: number;
	source_id: number | null;
	timestamp: string;
	exception: string;
	message: string;
	traceback: string | null;
	viewed: number;
	severity: 'error' | 'warning';
}

function toRecord(row: ErrorRow): ErrorRecord {
	return { ...row, viewed: row.viewed === 1 };
}

/** Records an agent error (`sourceId` null) or a source error. */
export function recordError(
	db: Db,
	error: { sourceId: number | null; exception: string; message: string; traceback?: string | null }
): number {
	const result = db
		.prepare(
			'INSERT INTO errors (source_id, timestamp, exception, message, traceback) VALUES (?, ?, ?, ?, ?)'
		)
		.run(error.sourceId, now(), error.exception, error.message, error.traceback ?? null);
	return Number(result.lastInsertRowid);
}

/**
 * Records a source warning once: while the same warning is in the inbox (read or not), it is
 * not added again every cycle.
 */
export function recordWarning(
	db: Db,
	warning: { sourceId: number; exception: string; message: string }
): void {
	db.prepare(
		`INSERT INTO errors (source_id, timestamp, exception, message, severity)
		SELECT ?, ?, ?, ?, 'warning' WHERE NOT EXISTS (
			SELECT 1 FROM errors WHERE source_id = ? AND severity = 'warning' AND message = ?)`
	).run(
		warning.sourceId,
		now(),
		warning.exception,
		warning.message,
		warning.sourceId,
		warning.message
	);
}

/** Which errors: the agent's (`source: null`), one source's, or (`source` absent) all. */
export interface ErrorFilter {
	source?: number | null;
	level?: 'agent' | 'source';
}

function filterSql(filter: ErrorFilter): { where: string[]; params: (number | string)[] } {
	const where: string[] = [];
	const params: (number | string)[] = [];
	if (filter.source === null || filter.level === 'agent') where.push('source_id IS NULL');
	else if (filter.level === 'source') where.push('source_id IS NOT NULL');
	if (typeof filter.source === 'number') {
		where.push('source_id = ?');
		params.push(filter.source);
	}
	return { where, params };
}

/** A page of errors, newest first, keyset-paged on the id. */
export function listErrors(
	db: Db,
	filter: ErrorFilter,
	query: { viewed?: boolean; cursor?: string; limit: number }
) {
	const { where, params } = filterSql(filter);
	if (query.viewed !== undefined) {
		where.push('viewed = ?');
		params.push(query.viewed ? 1 : 0);
	}
	if (query.cursor) {
		where.push('id < ?');
		params.push(Number(decodeCursor(query.cursor, ['id', 'number'])[0]));
	}
	const sql = `SELECT * FROM errors ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
		ORDER BY id DESC LIMIT ?`;
	const rows = db.prepare(sql).all(...params, query.limit + 1) as ErrorRow[];
	const page = rows.slice(0, query.limit);
	return {
		items: page.map(toRecord),
		next_cursor: rows.length > query.limit ? encodeCursor('id', [page.at(-1)!.id]) : null
	};
}

export function markError(
	db: Db,
	filter: ErrorFilter,
	id: number,
	viewed: boolean
): ErrorRecord | null {
	const { where, params } = filterSql(filter);
	const row = db
		.prepare(
			`UPDATE errors SET viewed = ? WHERE id = ? ${where.map((w) => `AND ${w}`).join(' ')} RETURNING *`
		)
		.get(viewed ? 1 : 0, id, ...params) as ErrorRow | undefined;
	return row ? toRecord(row) : null;
}

/** Marks unviewed errors viewed (only up to `upToId` when given); the number actually flipped. */
export function markAllViewed(db: Db, filter: ErrorFilter, upToId?: number): number {
	const { where, params } = filterSql(filter);
	where.push('viewed = 0');
	if (upToId !== undefined) {
		where.push('id <= ?');
		params.push(upToId);
	}
	return db.prepare(`UPDATE errors SET viewed = 1 WHERE ${where.join(' AND ')}`).run(...params)
		.changes;
}

export function errorCounts(db: Db) {
	const rows = db
		.prepare(
			`SELECT source_id, COUNT(*) AS total, SUM(viewed = 0) AS unread FROM errors GROUP BY source_id`
		)
		.all() as { source_id: number | null; total: number; unread: number }[];
	const agent = rows.find((row) => row.source_id === null);
	return {
		agent: { total: agent?.total ?? 0, unread: agent?.unread ?? 0 },
		sources: rows
			.filter((row): row is typeof row & { source_id: number } => row.source_id !== null)
			.map(({ source_id, total, unread }) => ({ source_id, total, unread }))
	};
}

/**
 * Failures grouped by cause, as Sentry groups events into issues: an item's failure belongs to
 * the group of its backend, exception and message made general (paths, numbers, uuids and
 * quoted values replaced by placeholders). Counts are kept by triggers (migration 12).
 */
import { createHash } from 'node:crypto';
import type { FailureGroup } from '../../lib/contract';
import { now, type Db } from '../db/database';
import { RESET } from './items';

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
/** Quoted values: "…", '…', “…”, ‘…’. */
const QUOTED = /"[^"]*"|'[^']*'|“[^”]*”|‘[^’]*’/g;
const NUMBER = /\b0x[0-9a-f]+\b|\b\d+(?:[.,:]\d+)*\b/gi;

/**
 * Whether a word is a path: it has a slash or backslash, and starts like one (`/`, `~`, `.`, a
 * drive letter) or has two of them, a digit or a dot; `true/false` and `and/or` are words.
 */
function isPath(word: string): boolean {
	const separators = word.match(/[/\\]/g)?.length ?? 0;
	if (separators === 0) return false;
	return /^(?:[/\\~.]|[A-Za-z]:)/.test(word) || separators > 1 || /[\d.]/.test(word);
}

/** The message with its variable parts as placeholders: the group's title. */
export function failureTitle(message: string): string {
	const line = (message.split('\n')[0] ?? '')
		.trim()
		.replace(UUID, '<uuid>')
		.replace(QUOTED, '<value>');
	const words = line.split(/(\s+)/).map((word) => {
		const [, start = '', core = '', end = ''] = /^([(]*)(.*?)([:,;)]*)$/.exec(word) ?? [];
		return isPath(core) ? `${start}<path>${end}` : word;
	});
	return words.join('').replace(NUMBER, '<n>').slice(0, 500);
}

export interface FailureCause {
	backend: string;
	exception: string;
	message: string;
}

/** The group a failure belongs to, made known (its title and exception) if it is new. */
export function failureGroupOf(db: Db, cause: FailureCause): string {
	const title = failureTitle(cause.message);
	const fingerprint = createHash('sha256')
		.update(`${cause.backend}\n${cause.exception}\n${title}`)
		.digest('hex')
		.slice(0, 16);
	db.prepare(
		`INSERT INTO failure_groups (fingerprint, title, exception, backend) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`
	).run(fingerprint, title, cause.exception, cause.backend);
	return fingerprint;
}

interface CountRow {
	fingerprint: string;
	title: string;
	exception: string;
	backend: string;
	count: number;
	first_seen: string | null;
	last_seen: string | null;
	sources: string;
	/** The newest failed item of the group, as JSON `{source_id, item_id}`. */
	example: string | null;
}

/** The groups with failed items now, most items first; of one source's items, given one. */
export function listFailureGroups(db: Db, sourceId?: number): FailureGroup[] {
	const ofSource = sourceId === undefined ? '' : 'AND source_id = @source';
	const rows = db
		.prepare(
			`SELECT c.fingerprint, g.title, g.exception, g.backend, SUM(c.count) AS count,
				MIN(c.first_seen) AS first_seen, MAX(c.last_seen) AS last_seen,
				json_group_array(json_object('source_id', c.source_id, 'count', c.count)) AS sources,
				(SELECT json_object('source_id', source_id, 'item_id', id) FROM items
					WHERE failure_group = c.fingerprint AND failed ${ofSource}
					ORDER BY id DESC LIMIT 1) AS example
			FROM failure_group_counts c JOIN failure_groups g USING (fingerprint)
			WHERE c.count > 0 ${ofSource.replace('source_id', 'c.source_id')}
			GROUP BY c.fingerprint ORDER BY count DESC, last_seen DESC`
		)
		.all(sourceId === undefined ? {} : { source: sourceId }) as CountRow[];
	return rows.map((row) => ({
		fingerprint: row.fingerprint,
		title: row.title,
		exception: row.exception,
		backend: row.backend,
		count: row.count,
		sources: (JSON.parse(row.sources) as { source_id: number; count: number }[]).sort(
			(a, b) => b.count - a.count
		),
		first_seen: row.first_seen,
		last_seen: row.last_seen,
		example: row.example === null ? null : JSON.parse(row.example)
	}));
}

/**
 * Groups the failed items that have none (failed before groups were kept), from their error
 * and their source's backend; their exception is no longer known. How many.
 */
export function groupUngroupedFailures(db: Db): number {
	const rows = db
		.prepare(
			`SELECT i.id, i.error, s.backend_identifier FROM items i JOIN sources s ON s.id = i.source_id
			WHERE i.error IS NOT NULL AND i.failure_group IS NULL AND i.failed`
		)
		.all() as { id: number; error: string; backend_identifier: string }[];
	const set = db.prepare('UPDATE items SET failure_group = ? WHERE id = ?');
	db.transaction(() => {
		for (const row of rows) {
			const group = failureGroupOf(db, {
				backend: row.backend_identifier,
				exception: 'Error',
				message: row.error
			});
			set.run(group, row.id);
		}
	})();
	return rows.length;
}

/** Resets the failed items of a group (of one source, given one): they sync again. How many. */
export function resetFailureGroup(db: Db, fingerprint: string, sourceId?: number): number {
	return db
		.prepare(
			`UPDATE items SET ${RESET}, last_update = ?
			WHERE failure_group = ? AND failed ${sourceId === undefined ? '' : 'AND source_id = ?'}`
		)
		.run(now(), fingerprint, ...(sourceId === undefined ? [] : [sourceId])).changes;
}

import type {
	ConverterUsage,
	DatasetSummary,
	SyncFile,
	SyncFileStatus,
	SyncFileSummary,
	SyncRecordEntry
} from '../../lib/contract';
import type { Db } from '../db/database';
import { twoWayPage } from './cursor';

/**
 * Saves an item's sync record over its previous one: the task tree as JSON, each file in a
 * row of its own (numbered in the order given) and the files' summary. Inside the caller's
 * write transaction.
 */
export function saveSyncRecord(
	db: Db,
	itemId: number,
	record: { logs: SyncRecordEntry[]; files: SyncFile[]; dataset: DatasetSummary | null }
): void {
	const counts: SyncFileSummary['counts'] = { OK: 0, ERROR: 0, SKIPPED: 0 };
	let size = 0;
	for (const file of record.files) {
		counts[file.status] += 1;
		if (file.status === 'OK') size += file.size ?? 0;
	}
	db.prepare(
		`INSERT INTO sync_records (item_id, logs, files_ok, files_error, files_skipped, files_size, dataset)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (item_id) DO UPDATE SET logs = excluded.logs, files_ok = excluded.files_ok,
			files_error = excluded.files_error, files_skipped = excluded.files_skipped,
			files_size = excluded.files_size, dataset = excluded.dataset`
	).run(
		itemId,
		JSON.stringify(record.logs),
		counts.OK,
		counts.ERROR,
		counts.SKIPPED,
		size,
		record.dataset && JSON.stringify(record.dataset)
	);
	db.prepare('DELETE FROM sync_files WHERE item_id = ?').run(itemId);
	const insert = db.prepare(
		`INSERT INTO sync_files (item_id, position, name, status, size, md5, m_time, converter, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	record.files.forEach((file, position) =>
		insert.run(
			itemId,
			position,
			file.name,
			file.status,
			file.size,
			file.md5,
			file.m_time,
			file.converter,
			file.error
		)
	);
}

/**
 * An item's sync record as the JSON text of a `SyncRecord`: the task tree and the dataset go
 * out as stored (not parsed to be serialized again), with the files' summary; empty before
 * any sync.
 */
export function syncRecordJson(db: Db, itemId: number): string {
	const row = db
		.prepare(
			`SELECT logs, files_ok, files_error, files_skipped, files_size, dataset FROM sync_records
			WHERE item_id = ?`
		)
		.get(itemId) as
		| {
				logs: string;
				dataset: string | null;
				files_ok: number;
				files_error: number;
				files_skipped: number;
				files_size: number;
		  }
		| undefined;
	const summary: SyncFileSummary = {
		counts: {
			OK: row?.files_ok ?? 0,
			ERROR: row?.files_error ?? 0,
			SKIPPED: row?.files_skipped ?? 0
		},
		size: row?.files_size ?? 0
	};
	return `{"logs":${row?.logs ?? '[]'},"file_summary":${JSON.stringify(summary)},"dataset":${row?.dataset ?? 'null'}}`;
}

type FileRow = SyncFile & { position: number };

/** A page of an item's files in their order, optionally of one status, keyset-paged both ways. */
export function listSyncFiles(
	db: Db,
	itemId: number,
	query: { status?: SyncFileStatus; cursor?: string; limit: number }
) {
	const page = twoWayPage('position', 'number', query.cursor, query.limit, (range, limit) => {
		// Without the hint SQLite walks the primary key for the order and tests every status.
		const [from, status] = query.status
			? ['sync_files INDEXED BY sync_files_by_status', 'AND status = ?']
			: ['sync_files', ''];
		return db
			.prepare(
				`SELECT position, name, status, size, md5, m_time, converter, error FROM ${from}
				WHERE item_id = ? ${status} AND ${range.condition}
				ORDER BY position ${range.direction} LIMIT ?`
			)
			.all(itemId, ...(query.status ? [query.status] : []), ...range.params, limit) as FileRow[];
	});
	return { ...page, items: page.items.map(({ position: _position, ...file }) => file) };
}

/** Per source, the files a converter produced (or failed to) at its items' last syncs. */
export function converterUsage(db: Db, name: string): ConverterUsage {
	const sources = db
		.prepare(
			`SELECT s.id, s.name, COUNT(DISTINCT f.item_id) AS items,
				SUM(f.status = 'OK') AS files, SUM(f.status = 'ERROR') AS failed
			FROM sync_files f JOIN items i ON i.id = f.item_id JOIN sources s ON s.id = i.source_id
			WHERE f.converter = ? GROUP BY s.id ORDER BY s.name, s.id`
		)
		.all(name) as ConverterUsage['sources'];
	return {
		name,
		files: sources.reduce((sum, source) => sum + source.files, 0),
		failed: sources.reduce((sum, source) => sum + source.failed, 0),
		sources
	};
}

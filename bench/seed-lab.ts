/**
 * A lab-sized sync agent database, written straight into SQLite through the agent's own
 * opener and migrations (so its schema, indexes and triggers), in big transactions: sources,
 * items with their counters kept by the triggers, sync records of the failed items, errors.
 * The sources point at folders that do not exist and the agent is stored as stopped, so the
 * sync API started on it serves the data without syncing anything.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { openDatabase } from '../src/agent/db/database';
import { searchKey } from '../src/agent/services/items';
import { listScopes, seedScopes } from '../src/agent/services/scopes';
import { saveSyncRecord } from '../src/agent/services/sync-records';
import type { SyncFile, SyncRecordEntry } from '../src/lib/contract';

export interface LabSize {
	sources: number;
	items: number;
	/** Items of the first source; the rest is spread over the others. */
	bigSourceItems: number;
	errors: number;
}

export const labScale: LabSize = {
	sources: 50,
	items: 1_000_000,
	bigSourceItems: 900_000,
	errors: 10_000
};

export interface SeededLab {
	bigSourceId: number;
	/** A failed item of the big source whose sync record is about 500 KB, with 20,000 files. */
	bigRecordItemId: number;
	/** Figures of the seeding itself. */
	seconds: number;
	databaseMb: number;
}

const FAILED_EVERY = 20; // 5 % of the items failed
const PENDING_EVERY = 20; // and another 5 % not synced yet
const BIG_RECORDS = 5;
const BIG_RECORD_FILES = 20_000;
const DAY_MS = 86_400_000;
const START = Date.parse('2024-01-01T00:00:00Z');

/** The data identifier of the n-th item overall: folder-base paths, some with accents. */
function identifier(n: number): string {
	const project = n % 1000 === 7 ? 'Metingen/Élan' : `Project_${n % 10}`;
	return `${project}/2024-${String((n % 12) + 1).padStart(2, '0')}/run_${n}`;
}

function stackTrace(depth: number): string {
	const frames = Array.from(
		{ length: depth },
		(_, i) =>
			`    at step${i} (/opt/etiket/sync/backends/folderbase/uploader_${i % 7}.py:${100 + i}:17)`
	);
	return `Error: upload of data.hdf5 failed: connection reset by peer\n${frames.join('\n')}`;
}

/** A failed sync record like the agent writes: a task tree with errors and the file list. */
function syncRecord(tasks: number, files: number, time: string) {
	const logs: SyncRecordEntry[] = [];
	const add = (entry: Omit<SyncRecordEntry, 'id' | 'time'>) =>
		logs.push({ id: logs.length, time, ...entry }) - 1;
	const root = add({
		parent_id: null,
		kind: 'task',
		message: 'Sync dataset',
		exception: null,
		stack_trace: null,
		has_errors: true
	});
	for (let t = 0; t < tasks; t++) {
		const task = add({
			parent_id: root,
			kind: 'task',
			message: `Upload part ${t + 1} of ${tasks}`,
			exception: null,
			stack_trace: null,
			has_errors: true
		});
		add({
			parent_id: task,
			kind: 'log',
			message: `Uploading ${files} files to scope`,
			exception: null,
			stack_trace: null,
			has_errors: false
		});
		add({
			parent_id: task,
			kind: 'error',
			message: 'upload of data.hdf5 failed: connection reset by peer',
			exception: 'ConnectionResetError',
			stack_trace: stackTrace(12),
			has_errors: true
		});
	}
	const fileList: SyncFile[] = Array.from({ length: files }, (_, f) => ({
		name: `measurement/part_${f}/data_${f}.hdf5`,
		status: f % 3 ? 'OK' : 'ERROR',
		size: f % 3 ? 1_048_576 + f : null,
		md5: f % 3 ? 'd41d8cd98f00b204e9800998ecf8427e' : null,
		m_time: time,
		converter: null,
		error: f % 3 ? null : 'connection reset by peer'
	}));
	return { logs, files: fileList };
}

/** Seeds the agent database of `dataDir`, which must not hold one yet. */
export function seedLab(dataDir: string, size: LabSize = labScale): SeededLab {
	const started = performance.now();
	const file = path.join(dataDir, 'sync_agent.sqlite');
	const db = openDatabase(file);
	// A fresh file nobody else has open: no need to survive a crash while it is written.
	db.pragma('synchronous = OFF');
	db.pragma('cache_size = -262144');
	seedScopes(db, undefined);
	const scope = listScopes(db)[0]!.uuid;
	const time = new Date(START).toISOString();

	db.prepare(`UPDATE agent_state SET desired = 'stopped' WHERE id = 1`).run();
	const insertSource = db.prepare(
		`INSERT INTO sources (name, backend_identifier, status, config_data, default_scope, created_at, last_update)
		VALUES (?, 'etiket_sync_agent_folderbase', 'stopped', ?, ?, ?, ?) RETURNING id`
	);
	// Each source's folder: its items were found there.
	const roots = new Map<number, string>();
	const sourceIds = db.transaction(() =>
		Array.from({ length: size.sources }, (_, s) => {
			const config = {
				root_directory: `/nonexistent/qh-lab/setup-${s + 1}`,
				is_server_folder: false
			};
			const row = insertSource.get(
				`Lab setup ${String(s + 1).padStart(2, '0')}`,
				JSON.stringify(config),
				scope,
				time,
				time
			) as { id: number };
			roots.set(row.id, config.root_directory);
			return row.id;
		})
	)();

	const insertItem = db.prepare(
		`INSERT INTO items (source_id, root, data_identifier, search_key, dataset_uuid, scope_identifier,
			synchronized, attempts, error, next_attempt_at, last_update, fingerprint, synced_fingerprint)
		VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`
	);
	const record = syncRecord(9, 35, time);
	const bigRecord = syncRecord(290, BIG_RECORD_FILES, time);
	const failedIds: number[] = [];
	const BATCH = 50_000;
	for (let first = 0; first < size.items; first += BATCH) {
		db.transaction(() => {
			for (let n = first; n < Math.min(first + BATCH, size.items); n++) {
				const source =
					n < size.bigSourceItems
						? sourceIds[0]!
						: sourceIds[1 + ((n - size.bigSourceItems) % (sourceIds.length - 1))]!;
				const failed = n % FAILED_EVERY === 3;
				const pending = !failed && n % PENDING_EVERY === 11;
				const id = identifier(n);
				const updated = new Date(START + (n / Math.max(1, size.items)) * 365 * DAY_MS);
				const itemId = Number(
					insertItem.run(
						source,
						roots.get(source),
						id,
						searchKey(id),
						randomUUID(),
						failed || pending ? 0 : 1,
						failed ? 3 : pending ? 0 : 1,
						failed ? 'upload of data.hdf5 failed: connection reset by peer' : null,
						failed ? new Date(updated.getTime() + DAY_MS).toISOString() : null,
						updated.toISOString(),
						`fp-${n}`,
						failed || pending ? null : `fp-${n}`
					).lastInsertRowid
				);
				if (failed) {
					const big = source === sourceIds[0] && failedIds.length < BIG_RECORDS;
					saveSyncRecord(db, itemId, { ...(big ? bigRecord : record), dataset: null });
					if (big) failedIds.push(itemId);
				}
			}
		})();
	}

	const insertError = db.prepare(
		`INSERT INTO errors (source_id, timestamp, exception, message, traceback, viewed) VALUES (?, ?, ?, ?, ?, ?)`
	);
	db.transaction(() => {
		for (let e = 0; e < size.errors; e++) {
			const agentError = e % 5 === 0;
			insertError.run(
				agentError ? null : sourceIds[e % sourceIds.length]!,
				new Date(START + e * 60_000).toISOString(),
				agentError ? 'ConnectionError' : 'PermissionError',
				agentError ? 'qHarbor is unreachable' : `Cannot read dataset folder run_${e}`,
				stackTrace(8),
				e % 2
			);
		}
	})();
	db.pragma('wal_checkpoint(TRUNCATE)');
	const pages = db.pragma('page_count', { simple: true }) as number;
	const pageSize = db.pragma('page_size', { simple: true }) as number;
	db.close();
	return {
		bigSourceId: sourceIds[0]!,
		bigRecordItemId: failedIds[0]!,
		seconds: (performance.now() - started) / 1000,
		databaseMb: (pages * pageSize) / 2 ** 20
	};
}

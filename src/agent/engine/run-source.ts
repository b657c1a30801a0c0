import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { SyncFile } from '../../lib/contract';
import { findBackend } from '../backends/catalog';
import type { BackendDefinition, BackendImplementation, ConfigData } from '../backends/types';
import { now, writeTransaction } from '../db/database';
import { recordError } from '../services/errors';
import { searchKey } from '../services/items';
import { autoassign, waitsForMapping } from '../services/scopes';
import type { SourceRow } from '../services/sources';
import type { AgentContext } from './agent-loop';
import type { DatasetStore, StoredFile } from './store';
import { SyncRecordBuilder, describeError } from './sync-record';

/** After the n-th failed attempt, wait this long: 20 min, 1 h, 2 h, 8 h, then daily. */
const RETRY_DELAYS_MS = [20 * 60e3, 60 * 60e3, 2 * 60 * 60e3, 8 * 60 * 60e3];
const DAY_MS = 24 * 60 * 60e3;

export function retryDelay(attempts: number): number {
	return RETRY_DELAYS_MS[attempts - 1] ?? DAY_MS;
}

interface QueuedItem {
	id: number;
	data_identifier: string;
	dataset_uuid: string;
	scope_identifier: string | null;
	/** Where it goes: the source's default scope, else its identifier's mapping, as queued. */
	scope_uuid: string | null;
	fingerprint: string | null;
	resets: number;
}

/**
 * One cycle of one source: check its folder, scan (status `scanning`), then sync due items in
 * priority order (status `syncing`) until none is due, the source is stopped, or the agent is.
 */
export async function runSource(
	context: AgentContext,
	store: DatasetStore,
	source: SourceRow
): Promise<void> {
	const { db, signal } = context;
	const backend = findBackend(source.backend_identifier);
	const config = JSON.parse(source.config_data) as ConfigData;
	if (!backend?.implementation) {
		return failSource(
			context,
			source,
			'BackendNotInstalled',
			`The backend ${source.backend_identifier} is not installed`
		);
	}
	const folder = backend.folderField ? String(config[backend.folderField]) : null;
	if (folder && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
		return failSource(
			context,
			source,
			'FileNotFoundError',
			`The folder ${folder} does not exist or is not a folder`
		);
	}
	if (!setStatus(context, source.id, 'scanning')) return;

	try {
		await scanSource(context, source, backend.implementation, config);
	} catch (error) {
		if (signal.aborted) return;
		const { name, message, stack } = describeError(error);
		return failSource(
			context,
			source,
			name,
			`Scanning ${folder ?? source.name} failed: ${message}`,
			stack
		);
	}
	if (!setStatus(context, source.id, 'syncing')) return;

	const next = db.prepare(
		`SELECT id, data_identifier, dataset_uuid, scope_identifier, fingerprint, resets,
			COALESCE(
				(SELECT default_scope FROM sources WHERE id = items.source_id),
				(SELECT scope_uuid FROM scope_mappings m
					WHERE m.source_id = items.source_id AND m.scope_identifier = items.scope_identifier)
			) AS scope_uuid
		FROM items WHERE source_id = ? AND synchronized = 0 AND unmapped = 0 AND live = 0
			AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
		ORDER BY priority DESC, id LIMIT 1`
	);
	const stillRunning = db.prepare(
		`SELECT 1 FROM sources WHERE id = ? AND status IN ('syncing', 'scanning')`
	);
	while (!signal.aborted && stillRunning.get(source.id)) {
		const item = next.get(source.id, now()) as QueuedItem | undefined;
		if (!item) break;
		await syncItem(context, store, { source, config, backend }, item);
	}
	db.prepare('UPDATE sources SET last_update = ? WHERE id = ?').run(now(), source.id);
}

/** Scans a source and saves what it found; how many datasets were found and were new or changed. */
export async function scanSource(
	context: AgentContext,
	source: SourceRow,
	implementation: BackendImplementation,
	config: ConfigData = JSON.parse(source.config_data)
): Promise<{ found: number; changed: number }> {
	const started = performance.now();
	const scanned = await implementation.scan(config, context.signal);
	const changed = saveScan(context, source, scanned);
	if (source.autoassign_scope_mapping) autoassign(context.db, source.id);
	// Only scans that found something are worth a line at INFO; the rest is every cycle.
	(changed ? context.log.info : context.log.debug)(
		'Scanned "%s": %d datasets, %d new or changed, in %d ms',
		source.name,
		scanned.length,
		changed,
		Math.round(performance.now() - started)
	);
	return { found: scanned.length, changed };
}

/** Moves a running source to `error`, recording why (only while it was running: no repeats). */
function failSource(
	context: AgentContext,
	source: SourceRow,
	exception: string,
	message: string,
	traceback: string | null = null
) {
	const { db, log } = context;
	writeTransaction(db, () => {
		const moved = db
			.prepare(
				`UPDATE sources SET status = 'error', last_update = ? WHERE id = ? AND status IN ('syncing', 'scanning')`
			)
			.run(now(), source.id).changes;
		if (moved) recordError(db, { sourceId: source.id, exception, message, traceback });
	});
	log.error('Source "%s" cannot run: %s', source.name, message);
}

/** Sets a running source's status; false when it was stopped meanwhile. */
function setStatus(context: AgentContext, id: number, status: 'scanning' | 'syncing'): boolean {
	return (
		context.db
			.prepare(`UPDATE sources SET status = ? WHERE id = ? AND status IN ('syncing', 'scanning')`)
			.run(status, id).changes === 1
	);
}

/**
 * Creates items for new datasets and updates changed ones in one transaction; a dataset whose
 * files changed since it was synced is queued again. Unchanged rows are not written.
 */
function saveScan(
	context: AgentContext,
	source: SourceRow,
	scanned: Awaited<ReturnType<BackendImplementation['scan']>>
): number {
	const { db } = context;
	const upsert = db.prepare(
		`INSERT INTO items (source_id, data_identifier, search_key, dataset_uuid, scope_identifier, fingerprint, live, unmapped, last_update)
		VALUES (@source, @identifier, @searchKey, @uuid, @scope, @fingerprint, @live, ${waitsForMapping('@source', '@scope')}, @now)
		ON CONFLICT (source_id, data_identifier) DO UPDATE SET
			fingerprint = excluded.fingerprint,
			live = excluded.live,
			scope_identifier = excluded.scope_identifier,
			unmapped = excluded.unmapped,
			synchronized = items.synchronized AND items.synced_fingerprint IS excluded.fingerprint,
			attempts = CASE WHEN items.fingerprint IS excluded.fingerprint THEN items.attempts ELSE 0 END,
			error = CASE WHEN items.fingerprint IS excluded.fingerprint THEN items.error END,
			next_attempt_at = CASE WHEN items.fingerprint IS excluded.fingerprint THEN items.next_attempt_at END,
			last_update = excluded.last_update
		WHERE items.fingerprint IS NOT excluded.fingerprint OR items.live != excluded.live
			OR items.scope_identifier IS NOT excluded.scope_identifier OR items.unmapped != excluded.unmapped`
	);
	const time = now();
	return writeTransaction(db, () => {
		let changed = 0;
		for (const dataset of scanned) {
			changed += upsert.run({
				source: source.id,
				identifier: dataset.dataIdentifier,
				searchKey: searchKey(dataset.dataIdentifier),
				uuid: randomUUID(),
				scope: dataset.scopeIdentifier,
				fingerprint: dataset.fingerprint,
				live: dataset.live ? 1 : 0,
				now: time
			}).changes;
		}
		return changed;
	});
}

/** Reads and uploads one dataset; the item is marked synchronized only once all is stored. */
async function syncItem(
	context: AgentContext,
	store: DatasetStore,
	{
		source,
		config,
		backend
	}: { source: SourceRow; config: ConfigData; backend: BackendDefinition },
	item: QueuedItem
): Promise<void> {
	const { log, signal } = context;
	const record = new SyncRecordBuilder();
	const root = record.task(`Sync ${item.data_identifier}`);
	const files: SyncFile[] = [];
	try {
		const scope = item.scope_uuid;
		if (!scope) throw new Error(`No scope for "${item.scope_identifier}": map it first`);

		const readTask = record.task(`Read the dataset with ${backend.name}`, root);
		const content = await backend
			.implementation!.read(config, item.data_identifier)
			.catch((error) => {
				record.error(readTask, error);
				throw error;
			});
		record.log(
			readTask,
			`"${content.name}": ${content.files.length} files, collected ${content.collected}`
		);

		const uploadTask = record.task(`Upload to scope ${scope}`, root);
		const manifest = await store.readManifest(scope, item.dataset_uuid);
		const previous = new Map(manifest?.files.map((file) => [file.name, file]));
		const stored: StoredFile[] = [];
		for (const file of content.files) {
			signal.throwIfAborted();
			const mTime = fs.statSync(file.path, { throwIfNoEntry: false })?.mtime.toISOString() ?? null;
			try {
				if (file.converter) {
					throw new Error(`Converter "${file.converter}" is not installed in this sync agent`);
				}
				const result = await store.putFile(
					scope,
					item.dataset_uuid,
					file,
					previous.get(file.name),
					signal
				);
				stored.push(result);
				files.push({
					name: file.name,
					status: 'OK',
					size: result.size,
					md5: result.md5,
					m_time: mTime,
					converter: null,
					error: null
				});
			} catch (error) {
				if (signal.aborted) throw error;
				record.error(uploadTask, error);
				const { message } = describeError(error);
				files.push({
					name: file.name,
					status: 'ERROR',
					size: null,
					md5: null,
					m_time: mTime,
					converter: file.converter,
					error: message
				});
			}
		}
		const failed = files.filter((file) => file.status === 'ERROR');
		if (failed.length)
			throw new Error(`${failed.length} of ${files.length} files could not be uploaded`);
		await store.writeManifest({
			uuid: item.dataset_uuid,
			name: content.name,
			alt_uid: content.altUid,
			collected: content.collected,
			description: content.description,
			tags: content.tags,
			attributes: content.attributes,
			scope,
			source: { id: source.id, name: source.name, backend: source.backend_identifier },
			data_identifier: item.data_identifier,
			files: stored,
			synced_at: now(),
			...content.extra
		});
		record.log(uploadTask, `${stored.length} files stored`);
		if (saveOutcome(context, item, record, files, null))
			log.info('Synced "%s" of "%s" (%d files)', item.data_identifier, source.name, stored.length);
	} catch (error) {
		if (signal.aborted) {
			log.info('Abandoned "%s": the agent is stopping', item.data_identifier);
			return;
		}
		const { message } = describeError(error);
		if (!record.hasErrors) record.error(root, error);
		if (saveOutcome(context, item, record, files, message))
			log.error(
				'Failed to sync "%s" of "%s": %s',
				item.data_identifier,
				source.name,
				message,
				error
			);
	}
}

/**
 * Saves what one attempt came to, unless the item changed under it (a rescan found other
 * files, a reset asked for a new sync, or its source was deleted): then the attempt is moot
 * and nothing is saved. Whether it was saved.
 */
function saveOutcome(
	context: AgentContext,
	item: QueuedItem,
	record: SyncRecordBuilder,
	files: SyncFile[],
	error: string | null
): boolean {
	const { db, log } = context;
	const saved = writeTransaction(db, () => {
		const current = db
			.prepare('SELECT attempts FROM items WHERE id = ? AND fingerprint IS ? AND resets = ?')
			.get(item.id, item.fingerprint, item.resets) as { attempts: number } | undefined;
		if (!current) return false;
		const attempts = current.attempts + 1;
		const retryAt = error ? new Date(Date.now() + retryDelay(attempts)).toISOString() : null;
		db.prepare(
			`UPDATE items SET synchronized = ?, attempts = ?, error = ?, next_attempt_at = ?, last_update = ?,
				synced_fingerprint = CASE WHEN ? THEN fingerprint ELSE synced_fingerprint END
			WHERE id = ?`
		).run(error ? 0 : 1, attempts, error, retryAt, now(), error ? 0 : 1, item.id);
		db.prepare(
			`INSERT INTO sync_records (item_id, logs, files) VALUES (?, ?, ?)
			ON CONFLICT (item_id) DO UPDATE SET logs = excluded.logs, files = excluded.files`
		).run(item.id, JSON.stringify(record.logs), JSON.stringify(files));
		return true;
	});
	if (!saved)
		log.info('"%s" changed while it was synced: not saving this sync', item.data_identifier);
	return saved;
}

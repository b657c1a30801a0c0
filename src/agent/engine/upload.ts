import path from 'node:path';
import type { DatasetSummary, SyncFile } from '../../lib/contract';
import { folderOf } from '../backends/catalog';
import { mapLimit } from '../files/map-limit';
import {
	TryLaterError,
	UnreachableError,
	type BackendDefinition,
	type ConfigData,
	type DatasetContent
} from '../backends/types';
import { now } from '../db/database';
import {
	adoptDatasetUuid,
	postponeItem,
	saveOutcome,
	type QueuedItem,
	type SyncCost
} from '../services/item-queue';
import { findSourceRow, isSourceRunning, type SourceRow } from '../services/sources';
import type { AgentContext } from './context';
import type { DatasetStore, StoredFile } from './store';
import { SyncRecordBuilder, describeError } from './sync-record';
import { runConversions, type CopiedFile } from './convert';

/** How often an upload checks that its source still runs (stop and delete abort it). */
const SOURCE_CHECK_MS = 250;
/** A dataset that cannot be read now (its database locked) is tried again this much later. */
const TRY_AGAIN_MS = 5_000;
/** Files copied at once: a dataset of many small files is mostly waiting on the disk. */
export const COPY_CONCURRENCY = 8;
/** Datasets of more files flush them in one go (`DatasetStore.flush`). */
const FLUSH_EACH_UP_TO = 32;

/** Items being synced now: the sync cycle and the live follower never sync one twice at once. */
const inFlight = new Set<number>();

export const itemsInFlight = (): number[] => [...inFlight];

/**
 * Reads and uploads one dataset (unless it is being synced already); the item is marked
 * synchronized only once all is stored.
 * Stopping or deleting the source aborts it between two chunks of a file: the partial copy
 * is removed and nothing is saved. Throws `UnreachableError` (the item put off) when the
 * source's server cannot be used.
 */
export async function syncItem(
	context: AgentContext,
	store: DatasetStore,
	{
		source,
		config,
		backend
	}: { source: SourceRow; config: ConfigData; backend: BackendDefinition },
	item: QueuedItem
): Promise<void> {
	if (inFlight.has(item.id)) return;
	inFlight.add(item.id);
	const started = performance.now();
	// A live dataset's copies, twice a second, are not outcomes: its final sync is.
	const cost = (stored: StoredFile[], error: unknown): SyncCost | null =>
		item.live === 1
			? null
			: {
					files: stored.length,
					bytes: stored.reduce((sum, file) => sum + file.size, 0),
					durationMs: performance.now() - started,
					errorType: error === null ? null : describeError(error).name
				};
	const { db, log } = context;
	const sourceGone = new AbortController();
	const watch = setInterval(() => {
		if (!isSourceRunning(db, source.id)) sourceGone.abort();
	}, SOURCE_CHECK_MS);
	const signal = AbortSignal.any([context.signal, sourceGone.signal]);
	const record = new SyncRecordBuilder();
	const top = record.task(`Sync ${item.data_identifier}`);
	const files: SyncFile[] = [];
	let dataset = item.dataset_uuid;
	let content: DatasetContent | null = null;
	try {
		const scope = item.scope_uuid;
		if (!scope) throw new Error(`No scope for "${item.scope_identifier}": map it first`);

		const readTask = record.task(`Read the dataset with ${backend.name}`, top);
		content = await backend.implementation!.read(config, item.data_identifier).catch((error) => {
			record.error(readTask, error);
			throw error;
		});
		record.log(
			readTask,
			`"${content.name}": ${content.files.length} files, collected ${content.collected}`
		);
		for (const note of content.notes) record.log(readTask, note);
		for (const { name, reason, detail } of content.skipped) {
			record.log(readTask, `Skipped ${name}: ${reason}${detail ? ` (${detail})` : ''}`);
			files.push({ ...NOTHING_STORED, name, status: 'SKIPPED', error: reason });
		}

		const uploadTask = record.task(`Upload to scope ${scope}`, top);
		const liveFill = item.live === 1 ? (content.liveFill ?? null) : null;
		dataset = adoptRecordedDataset(context, item, content, record, readTask);
		const manifest = await store.readManifest(scope, dataset);
		const previous = new Map(manifest?.files.map((file) => [file.name, file]));
		// Every file must be inside the source's folder when it is opened, whatever it is then.
		const root = folderOf(backend, config) ?? undefined;
		// Many files are flushed to disk together once copied, a few each as it is copied.
		const flushTogether = content.files.length > FLUSH_EACH_UP_TO;
		const copies = await mapLimit(content.files, COPY_CONCURRENCY, async (file) => {
			signal.throwIfAborted();
			try {
				const copy = await store.putFile(scope, dataset, file, previous.get(file.name), {
					root: file.made ? undefined : root,
					signal,
					durable: !flushTogether,
					// What a sync of a live dataset stored was a moment of it, not a version.
					keepPrevious: manifest?.live !== true
				});
				const row: SyncFile = {
					name: file.name,
					status: 'OK',
					size: copy.stored.size,
					md5: copy.stored.md5,
					m_time: new Date(copy.mtimeMs).toISOString(),
					converter: null,
					error: null
				};
				return { copy, row };
			} catch (error) {
				if (signal.aborted) throw error;
				record.error(uploadTask, error);
				const { message } = describeError(error);
				return {
					copy: null,
					row: {
						...NOTHING_STORED,
						name: file.name,
						status: 'ERROR',
						error: message
					} satisfies SyncFile
				};
			}
		});
		const stored: StoredFile[] = [];
		const copied = new Map<string, CopiedFile>();
		for (const { copy, row } of copies) {
			if (copy) {
				stored.push(copy.stored);
				copied.set(copy.stored.name, copy);
			}
			files.push(row);
		}
		const failed = files.filter((file) => file.status === 'ERROR');
		if (failed.length)
			throw new Error(`${failed.length} of ${content.files.length} files could not be uploaded`);
		if (flushTogether) {
			await store.flush(
				scope,
				dataset,
				stored.map((file) => file.name)
			);
		}
		let unconverted = 0;
		if (content.conversions.length) {
			const convertTask = record.task(`Convert ${content.conversions.length} files`, uploadTask);
			const outcomes = await runConversions(
				store,
				{ scope, dataset },
				content.conversions,
				content.files.map((file) => file.name),
				copied,
				previous,
				signal
			);
			for (const { stored: result, row } of outcomes) {
				if (result) stored.push(result);
				else record.error(convertTask, new Error(row.error!));
				files.push(row);
				if (row.status === 'ERROR') unconverted += 1;
			}
		}
		// A backend's own fields first: what identifies the dataset is never overridden.
		await store.writeManifest({
			...content.extra,
			uuid: dataset,
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
			live: item.live === 1,
			...(liveFill !== null ? { live_fill: liveFill } : {})
		});
		// Uploaded as it is; the item fails so that a reset converts it once it can.
		if (unconverted)
			throw new Error(
				`${unconverted} of ${content.conversions.length} files could not be converted`
			);
		if (context.settings.writeManifests && backend.implementation!.recordSync) {
			await backend
				.implementation!.recordSync(
					config,
					item.data_identifier,
					{ datasetUuid: dataset, scopeUuid: scope },
					stored
				)
				.catch((error) =>
					record.log(
						uploadTask,
						`The dataset's manifest was not written: ${describeError(error).message}`
					)
				);
		}
		record.log(uploadTask, `${stored.length} files stored`);
		if (
			saveItemOutcome(
				context,
				item,
				{ logs: record.logs, files, dataset: summaryOf(content) },
				null,
				{ liveFill, history: cost(stored, null) }
			)
		)
			// A live dataset is synced at each change, twice a second: that is not news each time.
			(item.live === 1 ? log.debug : log.info)(
				'Synced "%s" of "%s" (%d files)',
				item.data_identifier,
				source.name,
				stored.length
			);
	} catch (error) {
		if (error instanceof TryLaterError) {
			postponeItem(db, item, new Date(Date.now() + TRY_AGAIN_MS).toISOString());
			// The source's server is gone: the source waits for it (runSource), the item with it.
			if (error instanceof UnreachableError) throw error;
			log.info(
				'"%s" of "%s" is read again shortly: %s',
				item.data_identifier,
				source.name,
				error.message
			);
			return;
		}
		if (signal.aborted) {
			const why = context.signal.aborted
				? 'the agent is stopping'
				: 'its source was stopped or deleted';
			if (item.scope_uuid && !findSourceRow(db, source.id)) {
				// Deleted: what was stored of a dataset never completed belongs to nobody now.
				await store.removeUnfinished(item.scope_uuid, dataset);
			}
			// Once it is all undone: the line says the upload left nothing behind.
			log.info('Abandoned "%s": %s', item.data_identifier, why);
			return;
		}
		const { message } = describeError(error);
		if (!record.hasErrors) record.error(top, error);
		if (
			saveItemOutcome(
				context,
				item,
				{ logs: record.logs, files, dataset: content && summaryOf(content) },
				message,
				{ history: cost([], error) }
			)
		)
			log.error(
				'Failed to sync "%s" of "%s": %s',
				item.data_identifier,
				source.name,
				message,
				error
			);
	} finally {
		clearInterval(watch);
		await content?.dispose?.();
		inFlight.delete(item.id);
	}
}

/** What the item page shows of the dataset a sync read. */
function summaryOf(content: DatasetContent): DatasetSummary {
	const { name, collected, description, tags, attributes, parameters } = content;
	return { name, collected, description, tags, attributes, parameters };
}

/** The columns of a file row that did not reach the store. */
const NOTHING_STORED = { size: null, md5: null, m_time: null, converter: null } as const;

/** Saves the outcome; one that came too late (the item changed meanwhile) is only logged. */
function saveItemOutcome(
	context: AgentContext,
	item: QueuedItem,
	record: Parameters<typeof saveOutcome>[2],
	error: string | null,
	outcome: Parameters<typeof saveOutcome>[4]
): boolean {
	const saved = saveOutcome(context.db, item, record, error, outcome);
	if (!saved)
		context.log.info(
			'"%s" changed while it was synced, or its source was stopped: not saving this sync',
			item.data_identifier
		);
	return saved;
}

/**
 * The dataset an item uploads to: its own, or the one a manifest beside the data names when the
 * item was never synced, the manifest's scope is the item's and the folder was not moved or
 * copied there (its recorded path is the folder's). The record says which and why.
 */
function adoptRecordedDataset(
	context: AgentContext,
	item: QueuedItem,
	content: DatasetContent,
	record: SyncRecordBuilder,
	task: number
): string {
	const recorded = content.recorded;
	if (!recorded) return item.dataset_uuid;
	const { identity, folder } = recorded;
	if (identity.datasetUuid === item.dataset_uuid) return item.dataset_uuid;
	if (identity.scopeUuid !== item.scope_uuid) {
		record.log(task, `The manifest's scope is another one: this is a new dataset`);
	} else if (!identity.syncPath || path.resolve(identity.syncPath) !== path.resolve(folder)) {
		record.log(
			task,
			`The manifest was written for ${identity.syncPath ?? 'an unknown folder'}: this folder was moved or copied, so it is a new dataset`
		);
	} else if (adoptDatasetUuid(context.db, item, identity.datasetUuid)) {
		record.log(task, `Continues dataset ${identity.datasetUuid}, named by its manifest`);
		return identity.datasetUuid;
	} else {
		record.log(
			task,
			`Dataset ${identity.datasetUuid} of the manifest is kept: this item was synced before, or another item has that dataset`
		);
	}
	return item.dataset_uuid;
}

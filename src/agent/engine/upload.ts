import fs from 'node:fs';
import type { SyncFile } from '../../lib/contract';
import type { BackendDefinition, ConfigData } from '../backends/types';
import { now } from '../db/database';
import { saveOutcome, type QueuedItem } from '../services/item-queue';
import type { SourceRow } from '../services/sources';
import type { AgentContext } from './context';
import type { DatasetStore, StoredFile } from './store';
import { SyncRecordBuilder, describeError } from './sync-record';

/** Reads and uploads one dataset; the item is marked synchronized only once all is stored. */
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
		if (saveItemOutcome(context, item, { logs: record.logs, files }, null))
			log.info('Synced "%s" of "%s" (%d files)', item.data_identifier, source.name, stored.length);
	} catch (error) {
		if (signal.aborted) {
			log.info('Abandoned "%s": the agent is stopping', item.data_identifier);
			return;
		}
		const { message } = describeError(error);
		if (!record.hasErrors) record.error(root, error);
		if (saveItemOutcome(context, item, { logs: record.logs, files }, message))
			log.error(
				'Failed to sync "%s" of "%s": %s',
				item.data_identifier,
				source.name,
				message,
				error
			);
	}
}

/** Saves the outcome; one that came too late (the item changed meanwhile) is only logged. */
function saveItemOutcome(
	context: AgentContext,
	item: QueuedItem,
	record: Parameters<typeof saveOutcome>[2],
	error: string | null
): boolean {
	const saved = saveOutcome(context.db, item, record, error);
	if (!saved)
		context.log.info(
			'"%s" changed while it was synced: not saving this sync',
			item.data_identifier
		);
	return saved;
}

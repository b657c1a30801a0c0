import fsp from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { findBackend, itemRootOf } from '../backends/catalog';
import type { ConfigData } from '../backends/types';
import { listLiveItems } from '../services/item-queue';
import { listRunningSources } from '../services/sources';
import type { AgentContext } from './context';
import type { DatasetStore } from './store';
import { describeError } from './sync-record';
import { syncItem } from './upload';

/** How often a live dataset's file is looked at: the rate of Quantify's own live sync. */
export const LIVE_POLL_MS = 500;

/**
 * Replicates live datasets as they fill, beside the sync cycles, until the signal aborts:
 * twice a second, each live item of a running source whose backend names the file it
 * rewrites (`liveFile`) is synced again when that file changed. The scan decides when an item
 * is live and when it is complete; this only keeps the store's copy close behind.
 */
export async function followLiveDatasets(context: AgentContext, store: DatasetStore) {
	const { log, signal } = context;
	/** The file's size and modification time at each item's last replication. */
	const replicated = new Map<number, string>();
	while (!signal.aborted) {
		const started = performance.now();
		try {
			await followOnce(context, store, replicated);
		} catch (error) {
			log.error('Following live datasets failed: %s', describeError(error).message, error);
		}
		const wait = LIVE_POLL_MS - (performance.now() - started);
		await sleep(Math.max(0, wait), undefined, { signal }).catch(() => {});
	}
}

async function followOnce(
	context: AgentContext,
	store: DatasetStore,
	replicated: Map<number, string>
): Promise<void> {
	const live = new Set<number>();
	for (const source of listRunningSources(context.db)) {
		const backend = findBackend(source.backend_identifier);
		const liveFile = backend?.implementation?.liveFile;
		if (!backend || !liveFile) continue;
		const config = JSON.parse(source.config_data) as ConfigData;
		for (const item of listLiveItems(context.db, source.id, itemRootOf(backend, config))) {
			if (context.signal.aborted) return;
			live.add(item.id);
			if (!item.scope_uuid) continue;
			// Gone (deleted while live) or unreadable: the scan tells what became of it.
			const stat = await fsp.stat(liveFile(config, item.data_identifier)).catch(() => null);
			if (!stat?.isFile()) continue;
			const version = `${stat.size}:${stat.mtimeMs}`;
			if (replicated.get(item.id) === version) continue;
			replicated.set(item.id, version);
			await syncItem(context, store, { source, config, backend }, item);
		}
	}
	for (const id of replicated.keys()) if (!live.has(id)) replicated.delete(id);
}

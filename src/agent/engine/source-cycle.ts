import fs from 'node:fs';
import { findBackend, folderOf } from '../backends/catalog';
import type { ConfigData } from '../backends/types';
import { nextDueItem } from '../services/item-queue';
import {
	failRunningSource,
	isSourceRunning,
	markSourceUpdated,
	setRunStatus,
	type SourceRow
} from '../services/sources';
import type { AgentContext } from './context';
import { scanSource } from './scan';
import type { DatasetStore } from './store';
import { describeError } from './sync-record';
import { syncItem } from './upload';

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
		return failSource(context, source, {
			exception: 'BackendNotInstalled',
			message: `The backend ${source.backend_identifier} is not installed`
		});
	}
	const folder = folderOf(backend, config);
	// A folder gone (a drive not mounted) is the source's error, not a scan finding nothing:
	// its items are not missing.
	if (folder && !fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
		return failSource(context, source, {
			exception: 'FileNotFoundError',
			message: `The folder ${folder} does not exist or is not a folder`
		});
	}
	if (!setRunStatus(db, source.id, 'scanning')) return;

	try {
		await scanSource(context, source, backend, config);
	} catch (error) {
		if (signal.aborted) return;
		const { name, message, stack } = describeError(error);
		return failSource(context, source, {
			exception: name,
			message: `Scanning ${folder ?? source.name} failed: ${message}`,
			traceback: stack
		});
	}
	if (!setRunStatus(db, source.id, 'syncing')) return;

	while (!signal.aborted && isSourceRunning(db, source.id)) {
		const item = nextDueItem(db, source.id, folder ?? '');
		if (!item) break;
		await syncItem(context, store, { source, config, backend }, item);
	}
	markSourceUpdated(db, source.id);
}

/** Moves a running source to `error`, recording why (only while it was running: no repeats). */
function failSource(
	context: AgentContext,
	source: SourceRow,
	error: { exception: string; message: string; traceback?: string | null }
) {
	failRunningSource(context.db, source.id, { traceback: null, ...error });
	context.log.error('Source "%s" cannot run: %s', source.name, error.message);
}

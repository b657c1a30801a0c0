import { now } from '../db/database';
import { dataIsThere, dataPathOf, findBackend, itemRootOf } from '../backends/catalog';
import { TryLaterError, type ConfigData } from '../backends/types';
import { nextDueItem, restoreRecentlyMissing } from '../services/item-queue';
import {
	failRunningSource,
	isSourceRunning,
	listSourcesToRecheck,
	markSourceUpdated,
	postponeRecheck,
	resumeWaitingSource,
	setRunStatus,
	type SourceRow
} from '../services/sources';
import type { AgentContext } from './context';
import { scanSource } from './scan';
import type { DatasetStore } from './store';
import { describeError } from './sync-record';
import type { PendingChanges } from './watch';
import { syncItem } from './upload';

/** How a cycle scans a source first: everywhere, where files changed, or (null) not at all. */
export interface ScanRequest {
	changes: PendingChanges | null;
	/** Told which datasets are still being written, and when to look at them again. */
	onSettling?: (dataIdentifiers: string[], at: number) => void;
}

/**
 * One cycle of one source: check its folder, scan (status `scanning`), then sync due items in
 * priority order (status `syncing`) until none is due, the source is stopped, or the agent is.
 */
export async function runSource(
	context: AgentContext,
	store: DatasetStore,
	source: SourceRow,
	{ changes, onSettling }: ScanRequest = { changes: { full: true } }
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
	const data = dataPathOf(backend, config);
	const gone = () => data !== null && !dataIsThere(data);
	// A folder or database gone (a drive not mounted) is the source's error, not a scan finding
	// nothing: its items are not missing.
	const dataVanished = () => {
		restoreRecentlyMissing(db, source.id, new Date(Date.now() - VANISHING_MS).toISOString());
		return failSource(
			context,
			source,
			{
				exception: 'FileNotFoundError',
				message: `The ${data!.kind} ${data!.path} does not exist or is not a ${data!.kind}; the source runs again by itself once it is back`
			},
			recheckTime(0)
		);
	};
	if (gone()) return dataVanished();
	if (changes && !setRunStatus(db, source.id, 'scanning')) return;

	try {
		if (changes) {
			const paths = changes.full ? null : changes.paths;
			const scanned = await scanSource(context, source, backend, config, paths);
			if (!scanned) return dataVanished();
			for (const { dataIdentifier, settlesAt } of scanned.settling) {
				onSettling?.([dataIdentifier], settlesAt);
			}
		}
	} catch (error) {
		if (signal.aborted) return;
		// Gone while it was scanned (its files first, then itself): not a failure of the scan.
		if (gone()) return dataVanished();
		if (error instanceof TryLaterError) {
			// Locked by its writer: scanned again next cycle; what is due is synced meanwhile.
			context.log.info('Source "%s": %s', source.name, error.message);
		} else {
			const { name, message, stack } = describeError(error);
			return failSource(context, source, {
				exception: name,
				message: `Scanning ${data?.path ?? source.name} failed: ${message}`,
				traceback: stack
			});
		}
	}
	if (!setRunStatus(db, source.id, 'syncing')) return;

	while (!signal.aborted && isSourceRunning(db, source.id)) {
		const item = nextDueItem(db, source.id, itemRootOf(backend, config), {
			live: backend.implementation.followsLive === true
		});
		if (!item) break;
		await syncItem(context, store, { source, config, backend }, item);
	}
	markSourceUpdated(db, source.id);
}

/**
 * Sources in error because their folder vanished (an unmounted drive, a renamed share) run
 * again once it is back. The wait between looks doubles up to a ceiling, so a drive that
 * stays away costs one `stat` every few minutes.
 */
export function recheckWaitingSources(context: AgentContext): void {
	const { db, log } = context;
	for (const source of listSourcesToRecheck(db, now())) {
		const backend = findBackend(source.backend_identifier);
		const data = backend ? dataPathOf(backend, JSON.parse(source.config_data) as ConfigData) : null;
		if (data && !dataIsThere(data)) {
			postponeRecheck(db, source.id, recheckTime(source.rechecks + 1));
		} else if (resumeWaitingSource(db, source.id)) {
			log.info(
				'Source "%s": its %s %s is back, syncing again',
				source.name,
				data?.kind,
				data?.path
			);
		}
	}
}

/** How long a folder may take to vanish, removed from the inside out. */
const VANISHING_MS = 10_000;

const FIRST_RECHECK_MS = 2_000;
const LAST_RECHECK_MS = 5 * 60_000;

/** When to look again after `rechecks` looks that found nothing. */
function recheckTime(rechecks: number): string {
	const wait = Math.min(FIRST_RECHECK_MS * 2 ** rechecks, LAST_RECHECK_MS);
	return new Date(Date.now() + wait).toISOString();
}

/** Moves a running source to `error`, recording why (only while it was running: no repeats). */
function failSource(
	context: AgentContext,
	source: SourceRow,
	error: { exception: string; message: string; traceback?: string | null },
	recheckAt: string | null = null
) {
	failRunningSource(context.db, source.id, { traceback: null, ...error }, recheckAt);
	context.log.error('Source "%s" cannot run: %s', source.name, error.message);
}

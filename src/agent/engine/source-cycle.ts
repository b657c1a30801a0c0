import { now } from '../db/database';
import { dataIsThere, dataPathOf, findBackend, itemRootOf } from '../backends/catalog';
import {
	TryLaterError,
	UnreachableError,
	type BackendDefinition,
	type ConfigData
} from '../backends/types';
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
import { itemsInFlight, syncItem } from './upload';

/**
 * What a source says every cycle the same way (its database locked by its writer for an hour)
 * is logged once, and its repetition once with a count when it changes or ends.
 */
class RepeatedMessages {
	readonly #last = new Map<number, { message: string; repeats: number }>();

	say(context: AgentContext, source: SourceRow, message: string): void {
		const last = this.#last.get(source.id);
		if (last?.message === message) {
			last.repeats++;
			return;
		}
		this.end(context, source);
		this.#last.set(source.id, { message, repeats: 0 });
		context.log.info('Source "%s": %s', source.name, message);
	}

	end(context: AgentContext, source: SourceRow): void {
		const last = this.#last.get(source.id);
		this.#last.delete(source.id);
		if (last?.repeats)
			context.log.info(
				'Source "%s": %d more times since: %s',
				source.name,
				last.repeats,
				last.message
			);
	}
}

const repeats = new RepeatedMessages();

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
			repeats.end(context, source);
			for (const { dataIdentifier, settlesAt } of scanned.settling) {
				onSettling?.([dataIdentifier], settlesAt);
			}
		}
	} catch (error) {
		if (signal.aborted) return;
		// Gone while it was scanned (its files first, then itself): not a failure of the scan.
		if (gone()) return dataVanished();
		if (error instanceof UnreachableError) return serverUnreachable(context, source, error);
		if (error instanceof TryLaterError) {
			// Locked by its writer: scanned again next cycle; what is due is synced meanwhile.
			repeats.say(context, source, error.message);
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
			live: backend.implementation.followsLive === true,
			busy: itemsInFlight()
		});
		if (!item) break;
		try {
			await syncItem(context, store, { source, config, backend }, item);
		} catch (error) {
			if (error instanceof UnreachableError) return serverUnreachable(context, source, error);
			throw error;
		}
	}
	markSourceUpdated(db, source.id);
}

/** The source's server cannot be used: in error, until a recheck finds it answering. */
function serverUnreachable(context: AgentContext, source: SourceRow, error: UnreachableError) {
	return failSource(
		context,
		source,
		{
			exception: error.name,
			message: `${error.message}; the source runs again by itself once the server answers`
		},
		recheckTime(0)
	);
}

/** Whether what a source reads cannot be read now: its folder gone, its server not answering. */
async function unavailable(backend: BackendDefinition, config: ConfigData): Promise<boolean> {
	const data = dataPathOf(backend, config);
	if (data) return !dataIsThere(data);
	return (await backend.implementation?.reachable?.(config)) != null;
}

/**
 * Sources in error because their folder vanished (an unmounted drive, a renamed share) or
 * their server stopped answering run again once it is back. The wait between looks doubles
 * up to a ceiling, so data that stays away costs one `stat` or one login every few minutes.
 */
export async function recheckWaitingSources(context: AgentContext): Promise<void> {
	const { db, log } = context;
	for (const source of listSourcesToRecheck(db, now())) {
		const backend = findBackend(source.backend_identifier);
		const config = JSON.parse(source.config_data) as ConfigData;
		if (backend && (await unavailable(backend, config))) {
			postponeRecheck(db, source.id, recheckTime(source.rechecks + 1));
		} else if (resumeWaitingSource(db, source.id)) {
			const data = backend && dataPathOf(backend, config);
			log.info(
				'Source "%s": %s, syncing again',
				source.name,
				data ? `its ${data.kind} ${data.path} is back` : 'its server answers again'
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

import { findBackend, folderOf } from '../backends/catalog';
import type { ConfigData } from '../backends/types';
import { isFolder } from '../files/safe-files';
import { countIteration, setConnection } from '../services/agent-status';
import { pruneHistory, recordCycle } from '../services/history';
import { recordError, recordWarning } from '../services/error-inbox';
import { listRunningSources, type SourceRow } from '../services/sources';
import type { AgentContext } from './context';
import { followLiveDatasets } from './live-follow';
import { recheckWaitingSources, runSource } from './source-cycle';
import { DatasetStore, StoreUnavailableError } from './store';
import { describeError } from './sync-record';
import { FolderWatches, type PendingChanges } from './watch';

/**
 * Full scans of a watched source, as a safety net for events the watcher missed: every this
 * many cycles, and at least this often.
 */
const SAFETY_SCAN_CYCLES = 12;
const SAFETY_SCAN_MAX_MS = 60_000;
/** How often history beyond its kept days and rows is dropped. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Runs sync cycles until the signal aborts; each completed cycle is one iteration. Between
 * cycles, changes in a watched folder wake the loop at once for the sources they concern.
 */
export async function runAgent(context: AgentContext): Promise<void> {
	const { db, log, settings, signal } = context;
	const store = new DatasetStore(settings.storeDir);
	const watches = new FolderWatches(log, (sourceId, message) => {
		log.warning(message);
		recordWarning(db, { sourceId, exception: 'WatchUnavailable', message });
	});
	const cycle = new Cycle(context, store, watches);
	const cycleMs = settings.cycleSeconds * 1000;
	let woken = false;
	/** When the last cycle of every source ended: the next one is a cycle's wait after it. */
	let lastFullCycle = -Infinity;
	let lastPrune = -Infinity;
	// Live datasets are replicated beside the cycles, which may be busy for minutes.
	const following = followLiveDatasets(context, store);
	try {
		while (!signal.aborted) {
			const started = performance.now();
			// Woken by changes, only their sources run; but every source runs at least once a
			// cycle, however busy a watched folder keeps the watcher.
			const onlyChanged = woken && started - lastFullCycle < cycleMs;
			let sources = 0;
			try {
				sources = await cycle.run(onlyChanged);
			} catch (error) {
				log.error('Sync cycle failed', error);
				const { name, message, stack } = describeError(error);
				recordError(db, { sourceId: null, exception: name, message, traceback: stack });
			}
			if (!onlyChanged) lastFullCycle = performance.now();
			if (signal.aborted) break;
			const took = performance.now() - started;
			countIteration(db);
			recordCycle(db, took);
			if (performance.now() - lastPrune >= PRUNE_EVERY_MS) {
				lastPrune = performance.now();
				const pruned = pruneHistory(db, settings.history);
				if (pruned) log.debug('Dropped %d sync outcomes past the kept history', pruned);
			}
			// The cycle's one line when nothing happened: sources log only what they found.
			log.debug('Cycle of %d sources finished in %d ms', sources, Math.round(took));
			const untilFullCycle = lastFullCycle + cycleMs - performance.now();
			woken = await watches.wait(Math.max(0, untilFullCycle), signal);
		}
	} finally {
		await watches.close();
		await following;
	}
}

class Cycle {
	/** When each watched source (by id and settings) was last scanned in full. */
	readonly #fullScans = new Map<number, { config: string; at: number }>();

	constructor(
		readonly context: AgentContext,
		readonly store: DatasetStore,
		readonly watches: FolderWatches
	) {}

	/**
	 * Every running source (or, woken by changes, only the sources they concern): scanned in
	 * full, or where files changed when its folder is watched, then its due items synced. How
	 * many sources ran.
	 */
	async run(onlyChanged: boolean): Promise<number> {
		const { db, log, signal } = this.context;
		if (!checkConnection(this.context, this.store)) return 0;
		await this.store.removeLeftPartials();
		if (!onlyChanged) await recheckWaitingSources(this.context);
		const running = listRunningSources(db);
		await this.watches.update(running.flatMap((source) => watchedFolder(source) ?? []));
		const changed = new Set(this.watches.changedSources);
		let ran = 0;
		for (const source of running) {
			if (signal.aborted) break;
			if (onlyChanged && !changed.has(source.id)) continue;
			ran++;
			try {
				await runSource(this.context, this.store, source, {
					changes: this.#scanOf(source, onlyChanged),
					onSettling: (identifiers, at) => this.watches.lookAgain(source.id, identifiers, at)
				});
			} catch (error) {
				log.error('Source "%s" failed unexpectedly', source.name, error);
			}
		}
		return ran;
	}

	/** A watched source is scanned where files changed, and in full now and then. */
	#scanOf(source: SourceRow, onlyChanged: boolean): PendingChanges | null {
		const changes = this.watches.take(source.id);
		if (!this.watches.isWatching(source.id)) return { full: true };
		const last = this.#fullScans.get(source.id);
		const interval = Math.min(
			SAFETY_SCAN_MAX_MS,
			this.context.settings.cycleSeconds * 1000 * SAFETY_SCAN_CYCLES
		);
		const due = !last || last.config !== source.config_data || Date.now() - last.at >= interval;
		if (changes?.full || (due && !onlyChanged)) {
			this.#fullScans.set(source.id, { config: source.config_data, at: Date.now() });
			return { full: true };
		}
		return changes;
	}
}

/** A source's folder, when its backend follows file-system events there. */
function watchedFolder(source: SourceRow): { id: number; root: string } | null {
	const backend = findBackend(source.backend_identifier);
	const config = JSON.parse(source.config_data) as ConfigData;
	if (!backend?.implementation?.watches?.(config)) return null;
	const root = folderOf(backend, config);
	return root && isFolder(root) ? { id: source.id, root } : null;
}

/**
 * `no_connection` while the store cannot be written, with one agent error when the
 * connection is lost (not one per cycle).
 */
function checkConnection(context: AgentContext, store: DatasetStore): boolean {
	const { db, log } = context;
	try {
		store.check();
	} catch (error) {
		if (!(error instanceof StoreUnavailableError)) throw error;
		if (setConnection(db, false)) {
			recordError(db, { sourceId: null, exception: 'NoConnection', message: error.message });
			log.error(error.message);
		}
		return false;
	}
	if (setConnection(db, true)) log.info('The dataset store at %s is writable again', store.root);
	return true;
}

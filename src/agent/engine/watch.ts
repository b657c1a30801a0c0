import { readdirSync } from 'node:fs';
import path from 'node:path';
import watcher, { type AsyncSubscription } from '@parcel/watcher';
import { isFolder } from '../files/safe-files';
import type { Logger } from '../logs/logger';

/** Changed paths remembered per source; past this many, its next scan is a full one. */
const MAX_PENDING_PATHS = 10_000;

/** Watches that failed on something vanishing are tried this many times before reported. */
const RETRIES_AFTER_VANISHED = 3;

/** What a source's next scan should look at: everything, or only where files changed. */
export type PendingChanges = { full: true } | { full: false; paths: string[] };

interface Watch {
	root: string;
	subscription: AsyncSubscription;
}

/**
 * File-system events on the folders of the sources that can follow them, turned into the
 * paths each source's next scan looks at, and a wake-up for the agent loop, so new data is
 * synced within a second instead of at the next full scan.
 */
export class FolderWatches {
	readonly #watches = new Map<number, Watch>();
	/** Sources whose folder could not be watched (told once), by the folder tried. */
	readonly #failed = new Map<number, string>();
	readonly #pending = new Map<number, Set<string> | 'full'>();
	readonly #timers = new Set<NodeJS.Timeout>();
	readonly #renewing = new Set<number>();
	readonly #vanishedTries = new Map<number, number>();
	#wake: (() => void) | null = null;

	constructor(
		readonly log: Logger,
		/** Told once per source and folder when watching fails: scans carry on without. */
		readonly onWatchFailed: (sourceId: number, message: string) => void
	) {}

	/** Whether events on this source's folder are being followed. */
	isWatching(sourceId: number): boolean {
		return this.#watches.has(sourceId);
	}

	/** Watches exactly these sources' folders: new ones start, gone or moved ones stop. */
	async update(sources: { id: number; root: string }[]): Promise<void> {
		const wanted = new Map(sources.map((source) => [source.id, source.root]));
		for (const [id, watch] of this.#watches) {
			if (wanted.get(id) !== watch.root) await this.#stop(id);
		}
		for (const [id, root] of wanted) {
			if (this.#watches.has(id) || this.#failed.get(id) === root) continue;
			try {
				this.#watches.set(id, { root, subscription: await this.#subscribe(id, root) });
				this.#failed.delete(id);
				this.#vanishedTries.delete(id);
				// What changed before the watch began is only found by looking everywhere.
				this.#pending.set(id, 'full');
			} catch (error) {
				// Something under it vanished while the watcher crawled it (or the folder itself,
				// which the source's own cycle reports): tried again next cycle, a few times, before
				// it is reported.
				const vanished = /No such file or directory|ENOENT/.test((error as Error).message);
				const tries = (this.#vanishedTries.get(id) ?? 0) + 1;
				this.#vanishedTries.set(id, tries);
				if (!isFolder(root) || (vanished && tries < RETRIES_AFTER_VANISHED)) continue;
				this.#failed.set(id, root);
				this.onWatchFailed(
					id,
					`Cannot watch ${root} for changes (${(error as Error).message}); new data is found by the periodic scans instead`
				);
			}
		}
		for (const id of this.#failed.keys()) if (!wanted.has(id)) this.#failed.delete(id);
		for (const id of this.#vanishedTries.keys())
			if (!wanted.has(id)) this.#vanishedTries.delete(id);
	}

	#subscribe(id: number, root: string): Promise<AsyncSubscription> {
		return watcher.subscribe(root, (error, events) => {
			if (error) return this.#lost(id, root, error);
			this.#note(
				id,
				root,
				events.map((event) => event.path)
			);
			if (events.some((event) => event.type === 'create' && holdsFolders(event.path))) {
				void this.#renew(id);
			}
		});
	}

	/**
	 * Subscribes afresh: the watcher follows a folder moved in, but not the folders inside it
	 * (seen with @parcel/watcher 2.6 on Linux), so a tree moved into place would go unwatched.
	 */
	async #renew(id: number): Promise<void> {
		const watch = this.#watches.get(id);
		if (!watch || this.#renewing.has(id)) return;
		this.#renewing.add(id);
		try {
			await watch.subscription.unsubscribe();
			const subscription = await this.#subscribe(id, watch.root);
			// The same watch, renewed in place: timers set for it stay valid.
			if (this.#watches.get(id) === watch) watch.subscription = subscription;
			else await subscription.unsubscribe();
		} catch (error) {
			this.#lost(id, watch.root, error as Error);
		} finally {
			this.#renewing.delete(id);
		}
	}

	/** Adds a source's changed paths (absolute) and wakes the loop. */
	#note(sourceId: number, root: string, paths: string[]): void {
		let pending = this.#pending.get(sourceId);
		if (pending !== 'full') {
			pending ??= new Set();
			for (const changed of paths) {
				const relative = path.relative(root, changed).split(path.sep).join('/');
				// Outside the folder, or hidden (never part of a dataset): nothing to look at.
				if (relative.startsWith('..') || path.isAbsolute(relative)) continue;
				if (relative.split('/').some((part) => part.startsWith('.'))) continue;
				pending.add(relative);
			}
			if (pending.size === 0) return;
			this.#pending.set(sourceId, pending.size > MAX_PENDING_PATHS ? 'full' : pending);
		}
		this.#wake?.();
	}

	/** The watch broke (the folder went away, too many events): a full scan finds the rest. */
	#lost(sourceId: number, root: string, error: Error): void {
		this.log.warning('Stopped watching %s: %s', root, error.message);
		void this.#stop(sourceId);
		this.#pending.set(sourceId, 'full');
		this.#wake?.();
	}

	async #stop(sourceId: number): Promise<void> {
		const watch = this.#watches.get(sourceId);
		this.#watches.delete(sourceId);
		this.#pending.delete(sourceId);
		await watch?.subscription.unsubscribe().catch(() => undefined);
	}

	/** Looks at these paths of a source again at `at` (ms since the epoch): data settling. */
	lookAgain(sourceId: number, paths: string[], at: number): void {
		const watch = this.#watches.get(sourceId);
		if (!watch) return;
		const timer = setTimeout(
			() => {
				this.#timers.delete(timer);
				if (this.#watches.get(sourceId) !== watch) return;
				this.#note(
					sourceId,
					watch.root,
					paths.map((relative) => path.join(watch.root, relative))
				);
			},
			Math.max(0, at - Date.now())
		);
		this.#timers.add(timer);
	}

	/** The changes noted for a source since it was last asked, and forgets them. */
	take(sourceId: number): PendingChanges | null {
		const pending = this.#pending.get(sourceId);
		this.#pending.delete(sourceId);
		if (!pending) return null;
		return pending === 'full' ? { full: true } : { full: false, paths: [...pending] };
	}

	/** Sources with changes waiting. */
	get changedSources(): number[] {
		return [...this.#pending.keys()];
	}

	/** Waits `ms`, or less when a change arrives (or one is waiting): whether one did. */
	wait(ms: number, signal: AbortSignal): Promise<boolean> {
		if (this.#pending.size) return Promise.resolve(true);
		return new Promise((resolve) => {
			const done = (changed: boolean) => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				this.#wake = null;
				resolve(changed);
			};
			const onAbort = () => done(false);
			const timer = setTimeout(() => done(false), ms);
			signal.addEventListener('abort', onAbort);
			this.#wake = () => done(true);
		});
	}

	async close(): Promise<void> {
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		for (const id of [...this.#watches.keys()]) await this.#stop(id);
	}
}

/** Whether a path is a folder with folders in it (a tree moved in whole). */
function holdsFolders(folder: string): boolean {
	try {
		return readdirSync(folder, { withFileTypes: true }).some((entry) => entry.isDirectory());
	} catch {
		return false;
	}
}

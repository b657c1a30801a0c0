import type { StatusSnapshot } from '$lib/status-snapshot';

/** What a hub tells: what it read, stamped with when the read began, or why it read nothing. */
export type HubUpdate<T> = (T & { readAt: number }) | { unreachable: string };

/**
 * One poller of the sync API per dashboard process (an agent's status, or a lab's rows), shared
 * by every open page: it runs while anyone listens, and tells them only when something changed.
 */
export class StatusHub<T = Omit<StatusSnapshot, 'readAt'>> {
	readonly #listeners = new Set<(update: HubUpdate<T>) => void>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	/** Bumped at every start and stop, so a poll of an earlier run never schedules another. */
	#run = 0;
	#last: string | null = null;
	#latest: HubUpdate<T> | null = null;

	constructor(
		readonly read: () => Promise<T>,
		readonly intervalMs: number
	) {}

	subscribe(listener: (update: HubUpdate<T>) => void): () => void {
		this.#listeners.add(listener);
		if (this.#latest) listener(this.#latest);
		if (this.#listeners.size === 1) void this.#poll(++this.#run);
		return () => {
			this.#listeners.delete(listener);
			if (this.#listeners.size > 0) return;
			this.#run++;
			if (this.#timer) clearTimeout(this.#timer);
			this.#timer = null;
			this.#last = null;
			this.#latest = null;
		};
	}

	async #poll(run: number) {
		const readAt = Date.now();
		let update: HubUpdate<T>;
		try {
			update = { ...(await this.read()), readAt };
		} catch (error) {
			update = { unreachable: (error as Error).message };
		}
		if (run !== this.#run) return;
		// The time of the read is left out: a change is a change of what the pages show.
		const serialized = JSON.stringify({ ...update, readAt: undefined });
		if (serialized !== this.#last) {
			this.#last = serialized;
			this.#latest = update;
			for (const listener of this.#listeners) listener(update);
		}
		this.#timer = setTimeout(() => void this.#poll(run), this.intervalMs);
	}
}

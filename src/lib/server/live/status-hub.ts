import type { AgentStatus, ErrorCounts } from '$lib/contract';
import type { SourceRow } from '$lib/source-row';

/** What the live pages show: the agent, every source (as a row: no settings), the error counts. */
export interface StatusSnapshot {
	agent: AgentStatus;
	sources: SourceRow[];
	counts: ErrorCounts;
}

export type StatusUpdate = StatusSnapshot | { unreachable: string };
export type StatusListener = (update: StatusUpdate) => void;

/**
 * One poller of the sync API per dashboard process, shared by every open page: it runs while
 * anyone listens, and tells them only when something changed.
 */
export class StatusHub {
	readonly #listeners = new Set<StatusListener>();
	#timer: ReturnType<typeof setTimeout> | null = null;
	/** Bumped at every start and stop, so a poll of an earlier run never schedules another. */
	#run = 0;
	#last: string | null = null;
	#latest: StatusUpdate | null = null;

	constructor(
		readonly read: () => Promise<StatusSnapshot>,
		readonly intervalMs: number
	) {}

	subscribe(listener: StatusListener): () => void {
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
		let update: StatusUpdate;
		try {
			update = await this.read();
		} catch (error) {
			update = { unreachable: (error as Error).message };
		}
		if (run !== this.#run) return;
		const serialized = JSON.stringify(update);
		if (serialized !== this.#last) {
			this.#last = serialized;
			this.#latest = update;
			for (const listener of this.#listeners) listener(update);
		}
		this.#timer = setTimeout(() => void this.#poll(run), this.intervalMs);
	}
}

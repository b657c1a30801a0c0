import type { SyncRecordEntry } from '../../lib/contract';

/**
 * Log and error entries kept under one task. A dataset of many files may log one per file
 * (skipped, failed); past this many a single entry counts the rest, whose files say why.
 */
export const ENTRIES_PER_TASK = 50;

/** Builds an item's sync record: a tree of tasks, with log and error entries under them. */
export class SyncRecordBuilder {
	readonly logs: SyncRecordEntry[] = [];
	/** Per task: how many entries it holds, and the entry that counts those left out. */
	readonly #kept = new Map<number, number>();
	readonly #leftOut = new Map<number, { entry: SyncRecordEntry; count: number }>();
	#hasErrors = false;

	#add(entry: Omit<SyncRecordEntry, 'id' | 'time' | 'has_errors'>): number {
		const id = this.logs.length;
		this.logs.push({ id, time: new Date().toISOString(), has_errors: false, ...entry });
		return id;
	}

	task(message: string, parent: number | null = null): number {
		return this.#add({
			parent_id: parent,
			kind: 'task',
			message,
			exception: null,
			stack_trace: null
		});
	}

	/** Adds a log or error entry under its task, or counts it once the task holds enough. */
	#addUnder(
		parent: number,
		entry: Omit<SyncRecordEntry, 'id' | 'time' | 'has_errors' | 'parent_id'>
	) {
		const kept = this.#kept.get(parent) ?? 0;
		if (kept < ENTRIES_PER_TASK) {
			this.#kept.set(parent, kept + 1);
			this.#add({ parent_id: parent, ...entry });
			return;
		}
		let leftOut = this.#leftOut.get(parent);
		if (!leftOut) {
			const id = this.#add({ ...NO_ERROR, parent_id: parent, kind: 'log', message: '' });
			leftOut = { entry: this.logs[id]!, count: 0 };
			this.#leftOut.set(parent, leftOut);
		}
		leftOut.count += 1;
		leftOut.entry.time = new Date().toISOString();
		leftOut.entry.message = `${leftOut.count} more ${leftOut.count === 1 ? 'entry' : 'entries'} of this task left out: the files show what became of each`;
	}

	log(parent: number, message: string): void {
		this.#addUnder(parent, { ...NO_ERROR, kind: 'log', message });
	}

	/** Records an error under a task, and flags that task and every task above it. */
	error(parent: number, error: unknown): void {
		const { name, message, stack } = describeError(error);
		this.#addUnder(parent, { kind: 'error', message, exception: name, stack_trace: stack });
		this.#hasErrors = true;
		for (let id: number | null = parent; id !== null; id = this.logs[id]!.parent_id) {
			this.logs[id]!.has_errors = true;
		}
	}

	get hasErrors(): boolean {
		return this.#hasErrors;
	}
}

const NO_ERROR = { exception: null, stack_trace: null } as const;

export function describeError(error: unknown): {
	name: string;
	message: string;
	stack: string | null;
} {
	if (error instanceof Error) {
		const code = (error as NodeJS.ErrnoException).code;
		return {
			name: code ? `${error.name} [${code}]` : error.name,
			message: error.message,
			stack: error.stack ?? null
		};
	}
	return { name: 'Error', message: String(error), stack: null };
}

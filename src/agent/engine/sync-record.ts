import type { SyncFile, SyncRecordEntry } from '../../lib/contract';

/** Builds an item's sync record: a tree of tasks, with log and error entries under them. */
export class SyncRecordBuilder {
	readonly logs: SyncRecordEntry[] = [];
	readonly files: SyncFile[] = [];

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

	log(parent: number, message: string): void {
		this.#add({ parent_id: parent, kind: 'log', message, exception: null, stack_trace: null });
	}

	/** Records an error under a task, and flags that task and every task above it. */
	error(parent: number, error: unknown): void {
		const { name, message, stack } = describeError(error);
		this.#add({ parent_id: parent, kind: 'error', message, exception: name, stack_trace: stack });
		for (let id: number | null = parent; id !== null; id = this.logs[id]!.parent_id) {
			this.logs[id]!.has_errors = true;
		}
	}

	get hasErrors(): boolean {
		return this.logs.some((entry) => entry.kind === 'error');
	}
}

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

/**
 * Scans of a table whose rows are datasets keyed by a growing integer id (QCoDeS' runs,
 * Core-Tools' measurements): between full scans, a scan asks only for rows above the last id
 * seen and for the incomplete ones it follows. The caller runs the queries (synchronously or
 * not); this keeps what the scans found.
 */
import type { ScannedDataset } from './types';

/** Between full scans, which see deletions and rows written below the last id. */
const FULL_SCAN_MS = 60_000;

/** What the last scans of one table found. */
export interface TableMemory<State> {
	/** What the table is (a file's device and inode): another one is scanned afresh. */
	identity: string;
	fullScanAt: number;
	rows: number;
	lastId: number;
	datasets: Map<number, ScannedDataset>;
	/** What is followed of each incomplete row (its progress, when it last changed). */
	incomplete: Map<number, State>;
}

/** What to ask the table for: rows above `after` or among `ids`; null for every row. */
export function changedRowsQuery<State>(
	memory: TableMemory<State> | undefined,
	identity: string
): { after: number; ids: number[] } | null {
	if (!memory || memory.identity !== identity || Date.now() - memory.fullScanAt >= FULL_SCAN_MS) {
		return null;
	}
	return { after: memory.lastId, ids: [...memory.incomplete.keys()] };
}

/**
 * The memory after a scan: `found.rows` are what `changedRowsQuery` asked for (`changedOnly`)
 * or every row, and `table` the row count and last id now. Rows asked for only by their change
 * that do not add up to that count mean rows were deleted or written below the last id: null,
 * and the caller scans every row. `scanned` makes each row's dataset, given its state before.
 */
export function rememberScan<Row, State>(
	before: TableMemory<State> | undefined,
	identity: string,
	found: { rows: Row[]; changedOnly: boolean; idOf: (row: Row) => number },
	table: { rows: number; lastId: number | null },
	scanned: (row: Row, before: State | undefined) => { dataset: ScannedDataset; state: State | null }
): TableMemory<State> | null {
	const { rows, changedOnly, idOf } = found;
	if (changedOnly) {
		const added = rows.filter((row) => idOf(row) > before!.lastId).length;
		if (before!.rows + added !== table.rows) return null;
	}
	const memory: TableMemory<State> =
		changedOnly && before
			? before
			: {
					identity,
					fullScanAt: Date.now(),
					rows: 0,
					lastId: 0,
					datasets: new Map(),
					incomplete: new Map()
				};
	const previous = before?.incomplete;
	const incomplete = new Map<number, State>();
	for (const row of rows) {
		const id = idOf(row);
		const { dataset, state } = scanned(row, previous?.get(id));
		memory.datasets.set(id, dataset);
		if (state !== null) incomplete.set(id, state);
	}
	// Incomplete rows not asked for again (a full scan asks for all) keep their state.
	if (changedOnly) {
		const asked = new Set(rows.map(idOf));
		for (const [id, state] of memory.incomplete) {
			if (!asked.has(id)) incomplete.set(id, state);
		}
	}
	memory.incomplete = incomplete;
	memory.rows = table.rows;
	memory.lastId = table.lastId ?? 0;
	return memory;
}

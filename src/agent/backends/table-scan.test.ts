import { describe, expect, it } from 'vitest';
import { changedRowsQuery, rememberScan, type TableMemory } from './table-scan';

interface Row {
	id: number;
	done: boolean;
}

/** A scan of `rows` (what was asked for) in a table now holding `total` rows up to `last`. */
function scan(
	before: TableMemory<number> | undefined,
	rows: Row[],
	table: { total: number; last: number },
	identity = 'db'
) {
	return rememberScan(
		before,
		identity,
		{ rows, changedOnly: changedRowsQuery(before, identity) !== null, idOf: (row) => row.id },
		{ rows: table.total, lastId: table.last },
		(row, previous) => ({
			dataset: {
				dataIdentifier: String(row.id),
				scopeIdentifier: null,
				fingerprint: String(row.done),
				live: !row.done
			},
			state: row.done ? null : (previous ?? 0) + 1
		})
	);
}

describe('scans of a table of datasets', () => {
	it('asks only for new and incomplete rows, and keeps what it found before', () => {
		const first = scan(
			undefined,
			[
				{ id: 1, done: true },
				{ id: 2, done: false }
			],
			{ total: 2, last: 2 }
		)!;
		expect(changedRowsQuery(first, 'db')).toEqual({ after: 2, ids: [2] });

		const second = scan(first, [{ id: 3, done: false }], { total: 3, last: 3 })!;
		expect([...second.datasets.keys()]).toEqual([1, 2, 3]);
		// Row 2 was not asked for again: its state is kept.
		expect(second.incomplete).toEqual(
			new Map([
				[2, 1],
				[3, 1]
			])
		);
		const third = scan(
			second,
			[
				{ id: 2, done: true },
				{ id: 3, done: false }
			],
			{ total: 3, last: 3 }
		)!;
		expect(third.incomplete).toEqual(new Map([[3, 2]]));
		expect(third.datasets.get(2)?.live).toBe(false);
	});

	it('gives up on a scan of changes that does not add up: rows were deleted or written below', () => {
		const first = scan(
			undefined,
			[
				{ id: 1, done: true },
				{ id: 2, done: true }
			],
			{ total: 2, last: 2 }
		)!;
		// One new row, but the table holds 2: another was deleted.
		expect(scan(first, [{ id: 3, done: true }], { total: 2, last: 3 })).toBeNull();
		const full = scan(first, [], { total: 0, last: 0 }, 'another file')!;
		expect(full.datasets.size).toBe(0);
	});

	it('scans every row of another table at the same place', () => {
		const first = scan(undefined, [{ id: 1, done: true }], { total: 1, last: 1 })!;
		expect(changedRowsQuery(first, 'another file')).toBeNull();
	});
});

import { ContractError } from './contract-error';

type CursorValue = string | number | null;

/**
 * Keyset cursor: the sort values of the last row on a page, tagged with the order they belong
 * to, opaque to clients.
 */
export function encodeCursor(order: string, values: CursorValue[]): string {
	return Buffer.from(JSON.stringify([order, ...values])).toString('base64url');
}

/** The values of a cursor made for `order`, of the given types; a 422 for any other. */
export function decodeCursor(
	cursor: string,
	[order, ...types]: [string, ...('string' | 'number')[]]
): CursorValue[] {
	try {
		const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (
			Array.isArray(decoded) &&
			decoded[0] === order &&
			decoded.length === types.length + 1 &&
			types.every((type, i) => typeof decoded[i + 1] === type)
		) {
			return decoded.slice(1) as CursorValue[];
		}
	} catch {
		// fall through: not a cursor this API made
	}
	throw invalidCursor();
}

function invalidCursor(): ContractError {
	return new ContractError('ValidationError', 'The request is invalid', [
		{ path: 'cursor', message: 'Not a cursor from this list; start from the first page' }
	]);
}

/** What a page of a list paged both ways reads: rows past a key, in the order to read them. */
export interface KeysetRange {
	/** SQL condition on the key column (`1` on the first page) and its one parameter, if any. */
	condition: string;
	params: (string | number)[];
	direction: 'ASC' | 'DESC';
}

/**
 * One page of a list in ascending order of a unique `column`, keyset-paged both ways: a next
 * cursor reads the rows after the last one, a previous cursor the rows before the first one
 * (read backwards, then turned around). `read` gets the range and how many rows to read.
 */
export function twoWayPage<Row extends Record<Column, string | number>, Column extends string>(
	column: Column,
	type: 'string' | 'number',
	cursor: string | undefined,
	limit: number,
	read: (range: KeysetRange, limit: number) => Row[]
): { items: Row[]; next_cursor: string | null; previous_cursor: string | null } {
	let range: KeysetRange = { condition: '1', params: [], direction: 'ASC' };
	let backward = false;
	if (cursor) {
		const [way, value] = decodeCursor(cursor, [column, 'string', type]);
		if (way !== 'after' && way !== 'before') throw invalidCursor();
		backward = way === 'before';
		range = {
			condition: `${column} ${backward ? '<' : '>'} ?`,
			params: [value as string | number],
			direction: backward ? 'DESC' : 'ASC'
		};
	}
	const rows = read(range, limit + 1);
	const more = rows.length > limit;
	const page = rows.slice(0, limit);
	if (backward) page.reverse();
	const first = page[0];
	const last = page.at(-1);
	// Read backwards from a row, there are rows after the page; read onwards, rows before it.
	const hasNext = backward || more;
	const hasPrevious = backward ? more : cursor !== undefined;
	return {
		items: page,
		next_cursor: hasNext && last ? encodeCursor(column, ['after', last[column]]) : null,
		previous_cursor: hasPrevious && first ? encodeCursor(column, ['before', first[column]]) : null
	};
}

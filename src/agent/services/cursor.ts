import { ApiError } from '../api/errors';

type CursorValue = string | number | null;

/** Keyset cursor: the sort values of the last row on a page, opaque to clients. */
export function encodeCursor(values: CursorValue[]): string {
	return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): CursorValue[] {
	try {
		const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (
			Array.isArray(values) &&
			values.length === length &&
			values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
		) {
			return values as CursorValue[];
		}
	} catch {
		// fall through: not a cursor this API made
	}
	throw new ApiError('ValidationError', 'The request is invalid', [
		{ path: 'cursor', message: 'Not a cursor from this list; start from the first page' }
	]);
}

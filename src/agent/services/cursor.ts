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
	throw new ContractError('ValidationError', 'The request is invalid', [
		{ path: 'cursor', message: 'Not a cursor from this list; start from the first page' }
	]);
}

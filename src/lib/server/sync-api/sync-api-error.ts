import type { ErrorCode, ErrorDetail } from '$lib/contract';

/**
 * Every way a call to the sync API can fail, as one error: what happened, and the HTTP
 * status the dashboard answers with because of it.
 */
export type SyncApiFailure =
	/** Nothing listens at the URL, or the connection broke. */
	| 'unreachable'
	/** No answer within the time budget. */
	| 'timeout'
	/** The sync API answered with one of the contract's errors. */
	| 'rejected'
	/** The answer was not what the contract says (not JSON, wrong shape). */
	| 'invalid';

export class SyncApiError extends Error {
	constructor(
		readonly failure: SyncApiFailure,
		/** The status the dashboard should answer with. */
		readonly status: number,
		message: string,
		readonly code: ErrorCode | null = null,
		readonly details: ErrorDetail[] = []
	) {
		super(message);
		this.name = 'SyncApiError';
	}
}

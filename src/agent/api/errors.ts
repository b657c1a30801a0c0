import { errorStatus, type ErrorBody, type ErrorCode, type ErrorDetail } from '../../lib/contract';

/** Thrown by handlers; the app turns it into the contract's error body and status. */
export class ApiError extends Error {
	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details: ErrorDetail[] = []
	) {
		super(message);
	}

	get status() {
		return errorStatus[this.code];
	}

	toBody(): ErrorBody {
		return { error: { code: this.code, message: this.message, details: this.details } };
	}
}

/** Zod issue paths as the contract's dotted field paths. */
export function issuesToDetails(
	issues: readonly { path: readonly PropertyKey[]; message: string }[]
): ErrorDetail[] {
	return issues.map((issue) => ({
		path: issue.path.map(String).join('.'),
		message: issue.message
	}));
}

import { errorStatus, type ErrorBody, type ErrorCode, type ErrorDetail } from '../../lib/contract';

/**
 * A failure in the contract's vocabulary (`NotFound`, `ValidationError`, …), thrown by services
 * and handlers alike; the HTTP app answers it with the code's status and the contract's body.
 */
export class ContractError extends Error {
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

import { error, fail, redirect } from '@sveltejs/kit';
import type { ErrorCode } from '$lib/contract';
import { SyncApiError } from './sync-api-error';

/** What a person reads for the SDK's exceptions; other codes show the agent's own message. */
const humanMessages: Partial<Record<ErrorCode, string>> = {
	AgentAlreadyRunning: 'The agent is already running',
	AgentAlreadyStopped: 'The agent is already stopped',
	SyncSourceAlreadyRunning: 'This source is already running',
	SyncSourceAlreadyStopped: 'This source is already stopped',
	SyncSourceBackendHasNoOwner:
		"This source's backend has no owner concept: there is nothing to take or release",
	ScopeMappingNotFound: 'There is no mapping for this identifier',
	ScopeMappingAlreadyExists:
		'This identifier is already mapped: change the existing mapping instead',
	ScopeMappingInvalidScope: 'That scope does not exist',
	LogFileNotFound: 'This service has not written a log yet'
};

/** Generic codes whose own message is too terse when fields say what is wrong. */
const withDetails: Partial<Record<ErrorCode, string>> = {
	ValidationError: 'Some fields need attention: see below'
};

export function humanMessage(failure: SyncApiError): string {
	const code = failure.code;
	if (code && failure.details.length && withDetails[code]) return withDetails[code];
	return (code && humanMessages[code]) || failure.message;
}

/** In a load: a failed call ends at the error page with the right status. */
export function pageError(failure: unknown): never {
	if (failure instanceof SyncApiError) {
		error(failure.status, {
			message: humanMessage(failure),
			code: failure.code ?? undefined,
			failure: failure.failure
		});
	}
	throw failure;
}

/**
 * In a list page's load: like `pageError`, but a cursor the sync API no longer accepts (an
 * old bookmark, another sort) sends the person to the first page instead of an error.
 */
export function listPageError(url: URL) {
	return (failure: unknown): never => {
		const badCursor =
			failure instanceof SyncApiError &&
			failure.code === 'ValidationError' &&
			failure.details.some((detail) => detail.path === 'cursor');
		if (badCursor && url.searchParams.has('cursor')) {
			const first = new URL(url);
			first.searchParams.delete('cursor');
			redirect(307, first.pathname + first.search);
		}
		return pageError(failure);
	};
}

/**
 * In a form action: what the person can act on comes back to the form, with the values they
 * typed: the sync API's 4xx, and its NotSupported (501: the agent's own message). An
 * unreachable or misbehaving sync API ends at the error page.
 */
export function actionFailure<V extends object>(failure: unknown, values: V = {} as V) {
	if (
		failure instanceof SyncApiError &&
		failure.failure === 'rejected' &&
		(failure.status < 500 || failure.code === 'NotSupported')
	) {
		return fail(failure.status, {
			message: humanMessage(failure),
			issues: failure.details,
			values
		});
	}
	return pageError(failure);
}

/** Runs an action's call: success says what happened, failure goes through `actionFailure`. */
export async function act<T, V extends object>(
	call: () => Promise<T>,
	success: (result: T) => string,
	values: V = {} as V
) {
	try {
		return { message: success(await call()) };
	} catch (failure) {
		return actionFailure(failure, values);
	}
}

import { z } from 'zod';

/**
 * The error vocabulary of the sync API: the SDK's exception names plus generic codes,
 * each with the one HTTP status it is answered with.
 */
export const errorStatus = {
	ValidationError: 422,
	NotFound: 404,
	Conflict: 409,
	NotSupported: 501,
	InternalError: 500,
	AgentAlreadyRunning: 409,
	AgentAlreadyStopped: 409,
	SyncSourceAlreadyRunning: 409,
	SyncSourceAlreadyStopped: 409,
	SyncSourceBackendHasNoOwner: 409,
	ScopeMappingNotFound: 404,
	ScopeMappingAlreadyExists: 409,
	ScopeMappingInvalidScope: 422,
	LogFileNotFound: 404,
	// The sync API's gate: a request it refuses before any route sees it.
	Unauthorized: 401,
	Forbidden: 403,
	MethodNotAllowed: 405,
	PayloadTooLarge: 413,
	UnsupportedMediaType: 415
} as const;

export type ErrorCode = keyof typeof errorStatus;

export const ErrorCode = z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]);

export const ErrorDetail = z.object({
	/** Dotted field path, e.g. `config_data.root_directory`; empty for the whole request. */
	path: z.string(),
	message: z.string()
});

export const ErrorBody = z
	.object({
		error: z.object({
			code: ErrorCode,
			message: z.string(),
			details: z.array(ErrorDetail)
		})
	})
	.meta({ id: 'Error' });

export type ErrorDetail = z.infer<typeof ErrorDetail>;
export type ErrorBody = z.infer<typeof ErrorBody>;

import type { ParamMatcher } from '@sveltejs/kit';
import { LogService } from '$lib/contract';

/** The two services of the SDK's `LogService`: `api` and `sync_agent`. */
export const match = ((param): param is LogService =>
	LogService.safeParse(param).success) satisfies ParamMatcher;

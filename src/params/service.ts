import type { ParamMatcher } from '@sveltejs/kit';
import type { LogService } from '$lib/contract';
import { LOG_SERVICES } from '$lib/contract/constants';

/** The two services of the SDK's `LogService`: `api` and `sync_agent`. */
export const match = ((param): param is LogService =>
	(LOG_SERVICES as readonly string[]).includes(param)) satisfies ParamMatcher;

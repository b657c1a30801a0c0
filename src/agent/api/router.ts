import { OpenAPIHono, createRoute } from '@hono/zod-openapi';
import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Db } from '../db/database';
import type { AgentSupervisor } from '../engine/supervisor';
import type { Logger } from '../logs/logger';
import type { AgentSettings } from '../settings';
import { ApiError, issuesToDetails } from './errors';

export interface AppDeps {
	settings: AgentSettings;
	db: Db;
	log: Logger;
	supervisor: AgentSupervisor;
}

export interface AppEnv {
	Variables: { deps: AppDeps };
}

export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

/** A router whose invalid input becomes the contract's 422 with one message per field path. */
export function createRouter() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) {
				throw new ApiError(
					'ValidationError',
					'The request is invalid',
					issuesToDetails(result.error.issues)
				);
			}
		}
	});
}

export { createRoute };

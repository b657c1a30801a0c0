import { OpenAPIHono } from '@hono/zod-openapi';
import type { RouteConfig, RouteHandler } from '@hono/zod-openapi';
import type { Db } from '../db/database';
import type { AgentSupervisor } from '../supervisor';
import type { Logger } from '../logs/logger';
import type { AgentSettings } from '../settings';
import { ContractError } from '../services/contract-error';

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
				// Zod's issue paths become the contract's dotted field paths.
				const details = result.error.issues.map((issue) => ({
					path: issue.path.map(String).join('.'),
					message: issue.message
				}));
				throw new ContractError('ValidationError', 'The request is invalid', details);
			}
		}
	});
}

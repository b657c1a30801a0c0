import { HTTPException } from 'hono/http-exception';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { ContractError } from '../services/contract-error';
import { requestGate } from './gate';
import { createRouter, type AppDeps } from './router';
import { agentRouter } from './routes/agent/agent.index';
import { catalogRouter } from './routes/catalog/catalog.index';
import { failuresRouter } from './routes/failures/failures.index';
import { historyRouter } from './routes/history/history.index';
import { inboxRouter } from './routes/inbox/inbox.index';
import { itemsRouter } from './routes/items/items.index';
import { logsRouter } from './routes/logs/logs.index';
import { sourcesRouter } from './routes/sources/sources.index';

const LOG_ROUTES = '/api/v1/logs/';

const routers = [
	agentRouter,
	inboxRouter,
	sourcesRouter,
	itemsRouter,
	catalogRouter,
	logsRouter,
	historyRouter,
	failuresRouter
];

/**
 * The sync API as a fetch handler, without a port: `serve()` puts it on one, and tests
 * call `app.request()` on it directly.
 */
export function createApp(deps: AppDeps) {
	const app = createRouter();
	const log = deps.log.child('http');

	app.use(async (c, next) => {
		const started = performance.now();
		c.set('deps', deps);
		await next();
		// Reading the log writes nothing to it: a follower of this log would otherwise wake on
		// the line its own last read wrote, and again on the next, forever.
		if (c.req.path.startsWith(LOG_ROUTES)) return;
		const ms = (performance.now() - started).toFixed(1);
		log.debug('%s %s %d %s ms', c.req.method, c.req.path, c.res.status, ms);
	});

	app.use(...requestGate(deps.settings));
	app.use(
		methodNotAllowed({
			app,
			onMethodNotAllowed: (c, methods) => {
				const body = new ContractError(
					'MethodNotAllowed',
					`${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}`
				).toBody();
				return c.json(body, 405, { Allow: methods.join(', ') });
			}
		})
	);

	app.get('/healthz', (c) => c.json({ status: 'ok' }));
	for (const router of routers) app.route('/', router);

	app.doc31('/openapi.json', {
		openapi: '3.1.0',
		info: {
			title: 'eTiKeT sync API',
			version: '1',
			description: 'The local sync API of the eTiKeT Sync Agent, as served by the embedded agent.'
		}
	});

	app.notFound((c) => {
		const body = new ContractError(
			'NotFound',
			`No route for ${c.req.method} ${c.req.path}`
		).toBody();
		return c.json(body, 404);
	});
	app.onError((error, c) => {
		if (error instanceof ContractError) {
			const challenge: Record<string, string> =
				error.code === 'Unauthorized' ? { 'WWW-Authenticate': 'Bearer' } : {};
			return c.json(error.toBody(), error.status, challenge);
		}
		if (error instanceof HTTPException && error.status < 500) {
			// Hono's own refusals (e.g. a body that is not JSON) are invalid input too.
			return c.json(new ContractError('ValidationError', error.message).toBody(), 422);
		}
		deps.log.error('Unhandled error in %s %s', c.req.method, c.req.path, error);
		return c.json(
			new ContractError('InternalError', 'Internal error in the sync API').toBody(),
			500
		);
	});
	return app;
}

export type App = ReturnType<typeof createApp>;

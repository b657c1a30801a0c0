import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ContractError } from '../services/contract-error';

/** Largest request body read; the biggest legitimate one (a source's settings) is a few KB. */
export const MAX_BODY_BYTES = 1024 * 1024;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface GateSettings {
	/** Host names answered besides loopback ones (the bind address, SYNC_API_ALLOWED_HOSTS). */
	allowedHosts: string[];
	/** Browser origins allowed to call (SYNC_API_ALLOWED_ORIGINS); none by default. */
	allowedOrigins: string[];
	/** When set (SYNC_API_TOKEN), every request must carry it as `Authorization: Bearer …`. */
	token: string | undefined;
}

/** Digests of equal length, so the comparison takes the same time whatever was sent. */
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether an `Authorization` header carries the token, compared in constant time. */
function bearerMatches(header: string | undefined, expected: Buffer): boolean {
	const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
	return timingSafeEqual(digest(match?.[1] ?? ''), expected) && match !== null;
}

/** The host name of a `Host` header or an origin's host, lower case, without its port. */
function hostName(host: string): string {
	return host.toLowerCase().replace(/:\d+$/, '');
}

/**
 * What every request passes before a route sees it. With a token configured (required to listen
 * beyond loopback), a request without it gets 401 before anything else is looked at. The sync API
 * is for programs (the dashboard's server, the SDK, curl), never for web pages: a foreign `Host` (DNS
 * rebinding) and any `Origin` but an allowed one (a page in some browser tab) get 403; a body
 * on a write must be JSON (415: an HTML form cannot send that cross-site without a preflight)
 * and at most MAX_BODY_BYTES (413, before it is read).
 */
export function requestGate(settings: GateSettings): MiddlewareHandler[] {
	const hosts = new Set([...LOOPBACK, ...settings.allowedHosts.map(hostName)]);
	const origins = new Set(settings.allowedOrigins.map((origin) => origin.toLowerCase()));
	const token = settings.token === undefined ? undefined : digest(settings.token);
	const checks: MiddlewareHandler = async (c, next) => {
		if (token && !bearerMatches(c.req.header('authorization'), token)) {
			throw new ContractError(
				'Unauthorized',
				'The sync API needs its token: Authorization: Bearer …'
			);
		}
		const host = c.req.header('host') ?? new URL(c.req.url).host;
		if (!hosts.has(hostName(host))) {
			throw new ContractError('Forbidden', `The sync API does not answer to the host "${host}"`);
		}
		const origin = c.req.header('origin');
		if (origin !== undefined && !origins.has(origin.toLowerCase())) {
			throw new ContractError('Forbidden', 'The sync API does not answer web pages');
		}
		if (WRITES.has(c.req.method) && hasBody(c.req.raw)) {
			const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
			if (type !== 'application/json') {
				throw new ContractError('UnsupportedMediaType', 'A request body must be application/json');
			}
		}
		await next();
	};
	const limit = bodyLimit({
		maxSize: MAX_BODY_BYTES,
		onError: () => {
			throw new ContractError(
				'PayloadTooLarge',
				`A request body may be at most ${MAX_BODY_BYTES} bytes`
			);
		}
	});
	return [checks, limit];
}

/** HTTP/1.1 declares a body by its length or by chunked transfer; nothing else has one. */
function hasBody(request: Request): boolean {
	const length = request.headers.get('content-length');
	if (length !== null) return length !== '0';
	return request.headers.has('transfer-encoding');
}

import type { Handle, RequestEvent } from '@sveltejs/kit';
import {
	UNSAFE_METHODS,
	formActionOf,
	isPlainPath,
	outcomeOf,
	targetOf
} from '$lib/server/request-checks';
import { access, allowedHost, audit } from '$lib/server/security';
import { settings } from '$lib/server/settings';

/**
 * Headers every answer carries. Pages also get SvelteKit's full nonce-based CSP
 * (svelte.config.js), which replaces this minimal one.
 */
const SECURITY_HEADERS = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
	'x-frame-options': 'DENY'
};

/** Where a viewer may post: signing in (and out). */
const OPEN_TO_VIEWERS = new Set(['/signin']);

function plain(status: number, message: string, headers: Record<string, string> = {}) {
	return new Response(message, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }
	});
}

/** Refuses a viewer's action: the error page for `use:enhance`, a short page without JavaScript. */
function operatorsOnly(event: RequestEvent): Response {
	const message = 'Only operators can do this. Sign in as an operator first.';
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return Response.json({ type: 'error', error: { message } }, { status: 403 });
	}
	const back = event.url.pathname;
	const link =
		access.mode === 'password'
			? `<a href="/signin?next=${encodeURIComponent(back)}">Sign in</a>`
			: `<a href="${back}">Back</a>`;
	return new Response(
		`<!doctype html><html lang="en"><title>Operators only</title><h1>Operators only</h1><p>${message}</p><p>${link}</p></html>`,
		{ status: 403, headers: { 'content-type': 'text/html; charset=utf-8' } }
	);
}

async function checked(event: RequestEvent, resolve: Parameters<Handle>[0]['resolve']) {
	const { request, url } = event;
	// Before any page, action or stream: a foreign Host is DNS rebinding or a misdirected request.
	if (!allowedHost(request.headers.get('host'))) {
		return plain(403, 'This dashboard does not answer to that host name.');
	}
	if (!isPlainPath(url.pathname)) return plain(400, 'Bad path.');
	const unsafe = UNSAFE_METHODS.has(request.method);
	if (!unsafe && formActionOf(url) !== undefined) {
		return plain(405, 'Form actions only run on POST.', { allow: 'POST' });
	}
	event.locals.access = access.accessOf(event.cookies);
	if (!unsafe) return resolve(event);

	// adapter-node only enforces the limit on a body someone reads; some actions read none.
	if (Number(request.headers.get('content-length')) > settings.bodySizeLimit) {
		return plain(413, 'The request body is too large.');
	}
	// SvelteKit refuses cross-site form posts; this also covers any other body type and
	// requests that name no origin at all.
	if (request.headers.get('origin') !== url.origin) {
		return plain(403, `Cross-site ${request.method} requests are forbidden`);
	}
	const { role, session } = event.locals.access;
	const entry = {
		role,
		session: session?.id ?? (role === 'operator' ? 'local' : '-'),
		client: event.getClientAddress(),
		action: `${url.pathname} ?${formActionOf(url) ?? '/default'}`,
		target: await targetOf(request, event.params)
	};
	const allowed = role === 'operator' || OPEN_TO_VIEWERS.has(url.pathname);
	const response = allowed ? await resolve(event) : operatorsOnly(event);
	const result = allowed ? await outcomeOf(request, response) : 'denied 403';
	try {
		audit.record({ time: new Date().toISOString(), ...entry, result });
	} catch (failure) {
		// The action has happened; a full disk must not turn its answer into an error.
		console.error('Could not write the audit trail:', failure);
	}
	return response;
}

export const handle: Handle = async ({ event, resolve }) => {
	const response = await checked(event, resolve);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	return response;
};

import type { Handle, RequestEvent } from '@sveltejs/kit';
import {
	UNSAFE_METHODS,
	formActionOf,
	isPlainPath,
	outcomeOf,
	targetOf
} from '$lib/server/access/request-checks';
import { access, allowedHost, audit } from '$lib/server/access/configured';
import { settings } from '$lib/server/settings';
import { agentAt } from '$lib/server/sync-api/configured';
import { observeResponse } from '$lib/server/sync-api/metrics';

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

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function plain(status: number, message: string, headers: Record<string, string> = {}) {
	return new Response(message, {
		status,
		headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }
	});
}

/** A short page for answers that never reach a route: a heading, a sentence, one link. */
function shortPage(
	status: number,
	page: { title: string; text: string; href: string; link: string },
	headers: Record<string, string> = {}
) {
	const html = `<!doctype html><html lang="en"><title>${page.title}</title><h1>${page.title}</h1><p>${page.text}</p><p><a href="${escapeHtml(page.href)}">${page.link}</a></p></html>`;
	return new Response(html, {
		status,
		headers: { 'content-type': 'text/html; charset=utf-8', ...headers }
	});
}

/** Refuses a viewer's action: the error page for `use:enhance`, a short page without JavaScript. */
function operatorsOnly(event: RequestEvent): Response {
	const text = 'Only operators can do this. Sign in as an operator first.';
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return Response.json({ type: 'error', error: { message: text } }, { status: 403 });
	}
	const back = event.url.pathname;
	return shortPage(
		403,
		access.mode === 'password'
			? {
					title: 'Operators only',
					text,
					href: `/signin?next=${encodeURIComponent(back)}`,
					link: 'Sign in'
				}
			: { title: 'Operators only', text, href: back, link: 'Back' }
	);
}

/** A GET of a form action's address: 405, with a link to the page itself. */
function actionByGet(url: URL, action: string): Response {
	const page = new URL(url);
	page.searchParams.delete(action);
	return shortPage(
		405,
		{
			title: 'Only a form can do this',
			text: "This address runs a form action, which only a form's POST may do; opening it does nothing.",
			href: page.pathname + page.search,
			link: 'Open the page'
		},
		{ allow: 'POST' }
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
	// A page's data may be reloaded at the address a form without JavaScript posted to
	// (`/sources/3?/report`); only a document or other request by GET is refused.
	const action = formActionOf(url);
	if (!unsafe && action !== undefined && !event.isDataRequest) {
		return actionByGet(url, action);
	}
	const agent = agentAt(url.pathname);
	if (agent === null) {
		return shortPage(404, {
			title: 'No such agent',
			text: 'This dashboard shows no sync agent of that name.',
			href: '/',
			link: 'All agents'
		});
	}
	event.locals.agent = agent;
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
		agent: agent?.name ?? '',
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
	const started = performance.now();
	const response = await checked(event, resolve);
	// Until the answer starts: a page's render; a live stream's first bytes, not its life.
	if (event.route.id)
		observeResponse(event.route.id, event.request.method, (performance.now() - started) / 1000);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	return response;
};

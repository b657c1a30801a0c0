import type { Handle } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { hostAllowList } from '$lib/server/hosts';

const allowedHost = hostAllowList({
	bind: env.HOST || '127.0.0.1',
	origin: env.ORIGIN,
	allowed: env.DASHBOARD_ALLOWED_HOSTS
});

/** Headers every answer carries: no framing, no sniffing, no referrer leaving the site. */
const SECURITY_HEADERS = {
	'x-content-type-options': 'nosniff',
	'referrer-policy': 'same-origin',
	'content-security-policy': "frame-ancestors 'none'",
	'x-frame-options': 'DENY'
};

export const handle: Handle = async ({ event, resolve }) => {
	// Before any page, action or stream: a foreign Host is DNS rebinding or a misdirected request.
	if (!allowedHost(event.request.headers.get('host'))) {
		return new Response('This dashboard does not answer to that host name.', {
			status: 403,
			headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }
		});
	}
	const response = await resolve(event);
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	return response;
};

import type { Cookies } from '@sveltejs/kit';

const COOKIE = 'flash';

/**
 * A message for the next page after a redirect (created, deleted, saved): read once by the
 * root layout. Works without JavaScript, and a bookmark of the next page never repeats it.
 */
export function setFlash(cookies: Cookies, message: string): void {
	cookies.set(COOKIE, message, { path: '/', maxAge: 60, httpOnly: true, sameSite: 'strict' });
}

export function takeFlash(cookies: Cookies): string | null {
	const message = cookies.get(COOKIE) ?? null;
	if (message) cookies.delete(COOKIE, { path: '/' });
	return message;
}

import { fail, redirect } from '@sveltejs/kit';
import { setFlash } from '$lib/server/flash';
import { localPath } from '$lib/server/access/next-url';
import { verifyPassword } from '$lib/server/access/password';
import { access } from '$lib/server/access/configured';
import { SESSION_COOKIE } from '$lib/server/access/policy';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => ({
	signedIn: locals.access.session !== null,
	next: localPath(url.searchParams.get('next'))
});

export const actions: Actions = {
	signin: async ({ request, cookies, getClientAddress }) => {
		const { passwordHash, signer, signInAttempts } = access;
		if (!passwordHash || !signer) {
			return fail(409, { message: 'No operator password is configured on this dashboard.' });
		}
		const client = getClientAddress();
		// Counted before the password is checked, which takes a while: counted after, attempts
		// sent in parallel would all pass here before the first wrong one counted.
		const wait = signInAttempts.take(client);
		if (wait > 0) {
			return fail(429, {
				message: `Too many wrong passwords from this computer: try again in ${Math.ceil(wait / 60)} min.`
			});
		}
		const form = await request.formData();
		const password = String(form.get('password') ?? '');
		if (!(await verifyPassword(password, passwordHash))) {
			return fail(401, { message: 'Wrong password.' });
		}
		signInAttempts.succeeded(client);
		const { cookie } = signer.create();
		cookies.set(SESSION_COOKIE, cookie, {
			path: '/',
			httpOnly: true,
			sameSite: 'strict',
			secure: access.secureCookies,
			maxAge: signer.maxAgeSeconds
		});
		setFlash(cookies, 'Signed in as operator');
		redirect(303, localPath(String(form.get('next') ?? '')));
	},
	signout: ({ cookies, locals }) => {
		if (locals.access.session) access.signer?.revoke(locals.access.session);
		cookies.delete(SESSION_COOKIE, { path: '/', secure: access.secureCookies });
		setFlash(cookies, 'Signed out');
		redirect(303, '/');
	}
};

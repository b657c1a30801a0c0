import { error, redirect, type Cookies } from '@sveltejs/kit';
import { isShared } from './hosts';
import { attemptLimiter } from './rate-limit';
import { loadSessionSecret, sessionSigner, type Session } from './session';
import type { DashboardSettings } from '$lib/server/settings';

/**
 * Who may act:
 * - `local`: reached from this computer only (loopback bind, no other `ORIGIN`) and no operator
 *   password: whoever uses it is at this computer, an operator.
 * - `password`: operators sign in with the password whose hash is configured; others view.
 * - `read-only`: shared (a LAN bind, or a proxy's `ORIGIN`) with no operator password:
 *   everybody views.
 */
export type AccessMode = 'local' | 'password' | 'read-only';
export type Role = 'operator' | 'viewer';

export interface Access {
	mode: AccessMode;
	role: Role;
	/** The operator's session (password mode), for the audit trail and sign-out. */
	session: Session | null;
}

export const SESSION_COOKIE = 'qh_operator';

export function accessPolicy(settings: DashboardSettings) {
	const hash = settings.operatorPasswordHash;
	const mode: AccessMode = hash ? 'password' : isShared(settings) ? 'read-only' : 'local';
	let signer: ReturnType<typeof sessionSigner> | null | undefined;
	// Built at first use, not at import: SvelteKit's build imports this module too, and must
	// not generate a session secret in the data directory.
	const signerOf = () =>
		(signer ??= hash
			? sessionSigner({
					secret: loadSessionSecret({ secret: settings.sessionSecret, dataDir: settings.dataDir }),
					passwordHash: hash,
					hours: settings.sessionHours
				})
			: null);
	// A guessed password costs an attacker 5 tries per quarter hour and address.
	const signInAttempts = attemptLimiter({ limit: 5, windowMs: 15 * 60_000 });

	return {
		mode,
		passwordHash: hash,
		/** Signs and checks operator sessions; null without an operator password. */
		get signer() {
			return signerOf();
		},
		signInAttempts,
		/** Cookies over plain HTTP on a LAN cannot be `Secure`; behind HTTPS they are. */
		secureCookies: settings.origin?.startsWith('https:') ?? false,
		accessOf(cookies: Cookies): Access {
			if (mode === 'local') return { mode, role: 'operator', session: null };
			const session = signerOf()?.verify(cookies.get(SESSION_COOKIE)) ?? null;
			return { mode, role: session ? 'operator' : 'viewer', session };
		}
	};
}

/**
 * For pages that only serve an action (create, edit): a viewer is sent to sign in, or told
 * there are no operators here.
 */
export function requireOperator(locals: App.Locals, url: URL): void {
	if (locals.access.role === 'operator') return;
	if (locals.access.mode === 'password') {
		redirect(303, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
	}
	error(403, { message: 'Only operators can do this, and this dashboard has none yet.' });
}

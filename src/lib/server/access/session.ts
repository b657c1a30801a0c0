import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** What an operator's session cookie carries: an id for the audit trail and an expiry. */
export interface Session {
	id: string;
	expires: number;
}

/**
 * The secret sessions are signed with: from the environment, or generated once and kept in
 * the dashboard's data directory (readable by its owner only) so sessions survive a restart.
 */
export function loadSessionSecret(options: { secret?: string; dataDir: string }): string {
	if (options.secret) return options.secret;
	const file = path.join(options.dataDir, 'session-secret');
	try {
		return fs.readFileSync(file, 'utf8').trim();
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
	}
	fs.mkdirSync(options.dataDir, { recursive: true });
	const secret = randomBytes(32).toString('base64url');
	try {
		fs.writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
		return secret;
	} catch {
		// Another dashboard process wrote it first: use theirs.
		return fs.readFileSync(file, 'utf8').trim();
	}
}

/**
 * Signs and checks session cookies (`<payload>.<HMAC-SHA256>`). The key also depends on the
 * operator password hash, so changing the password signs every operator out.
 */
export function sessionSigner(options: { secret: string; passwordHash: string; hours: number }) {
	const key = createHmac('sha256', options.secret).update(options.passwordHash).digest();
	const sign = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url');
	/** Signed-out sessions, until they would have expired anyway. */
	const revoked = new Map<string, number>();

	return {
		maxAgeSeconds: Math.round(options.hours * 3600),
		create(now = Date.now()): { cookie: string; session: Session } {
			const session = {
				id: randomBytes(9).toString('base64url'),
				expires: now + options.hours * 3600_000
			};
			const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
			return { cookie: `${payload}.${sign(payload)}`, session };
		},
		verify(cookie: string | undefined, now = Date.now()): Session | null {
			const [payload, signature, extra] = (cookie ?? '').split('.');
			if (!payload || !signature || extra !== undefined) return null;
			const expected = Buffer.from(sign(payload));
			const given = Buffer.from(signature);
			if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
			let session: Session;
			try {
				session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
			} catch {
				return null;
			}
			if (typeof session.id !== 'string' || typeof session.expires !== 'number') return null;
			if (session.expires <= now || revoked.has(session.id)) return null;
			return session;
		},
		revoke(session: Session, now = Date.now()) {
			for (const [id, expires] of revoked) if (expires <= now) revoked.delete(id);
			revoked.set(session.id, session.expires);
		}
	};
}

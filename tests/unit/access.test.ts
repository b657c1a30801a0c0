import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { auditTrail } from '$lib/server/access/audit';
import { hashPassword, isPasswordHash, verifyPassword } from '$lib/server/access/password';
import { attemptLimiter } from '$lib/server/access/rate-limit';
import { formActionOf, isPlainPath } from '$lib/server/access/request-checks';
import { loadSessionSecret, sessionSigner } from '$lib/server/access/session';
import { localPath } from '$lib/server/access/next-url';
import { tempDir } from '../helpers';

describe('operator passwords', () => {
	it('verifies the password it hashed, and nothing else', async () => {
		const hash = await hashPassword('correct horse battery staple');
		expect(isPasswordHash(hash)).toBe(true);
		expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
		expect(await verifyPassword('correct horse battery stapl', hash)).toBe(false);
		expect(await verifyPassword('anything', 'plain-text')).toBe(false);
		expect(await hashPassword('same')).not.toBe(await hashPassword('same'));
	});
});

describe('session cookies', () => {
	const signer = (passwordHash = 'hash-a') =>
		sessionSigner({ secret: 'x'.repeat(32), passwordHash, hours: 1 });

	it('accept their own signature until they expire or are revoked', () => {
		const sessions = signer();
		const now = Date.now();
		const { cookie, session } = sessions.create(now);
		expect(sessions.verify(cookie, now)).toEqual(session);
		expect(sessions.verify(cookie, now + 3600_001)).toBeNull();
		sessions.revoke(session, now);
		expect(sessions.verify(cookie, now)).toBeNull();
	});

	it('refuse forged, altered and foreign cookies', () => {
		const { cookie } = signer().create();
		const [payload, signature] = cookie.split('.') as [string, string];
		const forged = Buffer.from(JSON.stringify({ id: 'x', expires: Date.now() + 1e9 })).toString(
			'base64url'
		);
		for (const bad of [
			`${forged}.${signature}`,
			`${payload}.`,
			payload,
			`${cookie}.x`,
			'',
			undefined
		])
			expect(signer().verify(bad)).toBeNull();
		// A new operator password signs everybody out.
		expect(signer('hash-b').verify(cookie)).toBeNull();
	});

	it('keep a generated secret in the data directory, readable by its owner only', () => {
		const dataDir = tempDir('qh-access-', onTestFinished);
		const secret = loadSessionSecret({ dataDir });
		expect(secret.length).toBeGreaterThanOrEqual(32);
		expect(loadSessionSecret({ dataDir })).toBe(secret);
		expect(fs.statSync(path.join(dataDir, 'session-secret')).mode & 0o077).toBe(0);
		expect(loadSessionSecret({ dataDir, secret: 'from the environment' })).toBe(
			'from the environment'
		);
	});
});

describe('sign-in rate limit', () => {
	it('allows five attempts per window and address, then says how long to wait', () => {
		const limiter = attemptLimiter({ limit: 5, windowMs: 60_000 });
		const start = 1_000_000;
		for (let i = 0; i < 5; i++) expect(limiter.take('a', start + i)).toBe(0);
		expect(limiter.take('a', start + 10)).toBe(60);
		expect(limiter.take('b', start + 10)).toBe(0);
		expect(limiter.take('a', start + 60_001)).toBe(0);
		for (let i = 0; i < 5; i++) limiter.take('c', start);
		limiter.succeeded('c');
		expect(limiter.take('c', start)).toBe(0);
	});

	it('counts an attempt while its password is being checked, so parallel ones cannot pass', async () => {
		const limiter = attemptLimiter({ limit: 5, windowMs: 60_000 });
		let checked = 0;
		// What the sign-in action does, with a password check that takes a while.
		async function signIn(right: boolean) {
			if (limiter.take('a') > 0) return 429;
			checked++;
			await new Promise((resolve) => setTimeout(resolve, 10));
			if (!right) return 401;
			limiter.succeeded('a');
			return 303;
		}
		const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => signIn(i === 36)));
		expect(checked).toBe(5);
		expect(answers[36]).toBe(429);
	});

	it('forgets the oldest address past its bound', () => {
		const limiter = attemptLimiter({ limit: 1, windowMs: 60_000, maxKeys: 2 });
		for (const key of ['a', 'b', 'c']) limiter.take(key);
		expect(limiter.take('a')).toBe(0);
		expect(limiter.take('c')).toBeGreaterThan(0);
	});
});

describe('request checks', () => {
	it.each([
		['/', true],
		['/sources/3/items/7', true],
		['/sources/', true],
		['/backends/etiket_sync_agent_folderbase', true],
		['/sources/..%2F..%2Fagent', false],
		['//evil.example', false],
		['/sources//evil', false],
		['/sources/%5Cevil', false],
		['/sources/%2E%2E', false],
		['/sources/%E0%A4%A', false]
	])('%s is a plain path: %s', (pathname, plain) => {
		expect(isPlainPath(pathname)).toBe(plain);
	});

	it('finds the form action a URL names', () => {
		expect(formActionOf(new URL('http://x/?/stopAgent'))).toBe('/stopAgent');
		expect(formActionOf(new URL('http://x/sources?status=stopped&/startSource'))).toBe(
			'/startSource'
		);
		expect(formActionOf(new URL('http://x/sources?status=stopped'))).toBeUndefined();
	});

	it.each([
		['/sources?x=1', '/sources?x=1'],
		['//evil.example', '/'],
		['/\\evil.example', '/'],
		['https://evil.example', '/'],
		[null, '/']
	])('sign-in sends %s back to %s', (next, target) => {
		expect(localPath(next)).toBe(target);
	});
});

describe('audit trail', () => {
	it('lists the latest entries first, skipping a line cut by a crash', () => {
		const trail = auditTrail(tempDir('qh-access-', onTestFinished));
		const entry = (n: number) => ({
			time: new Date(n).toISOString(),
			role: 'operator' as const,
			session: 'local',
			client: '127.0.0.1',
			agent: '',
			action: `/ ?/action${n}`,
			target: '-',
			result: 'success'
		});
		for (let n = 1; n <= 3; n++) trail.record(entry(n));
		fs.appendFileSync(trail.file, '{"time": "cut');
		expect(trail.latest(2).map((e) => e.action)).toEqual(['/ ?/action3', '/ ?/action2']);
	});
});

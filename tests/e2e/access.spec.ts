/**
 * Who may act, on the built dashboard: operators and viewers, sign-in, the audit trail, a
 * LAN bind, secrets, and a staging build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { hashPassword } from '../../src/lib/server/access/password';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { send } from './raw-request';
import { api } from './seed';
import { freePort } from '../helpers';
import type { Source } from '../../src/lib/contract';
import type { Stack } from './stack';

const PASSWORD = 'correct horse battery staple';
const passwordHash = await hashPassword(PASSWORD);
const form = 'application/x-www-form-urlencoded';
const stopAgent = { method: 'POST', path: '/?/stopAgent', headers: { 'content-type': form } };

const upstreamPosts = (stack: Stack) =>
	stack.upstream!.requests.filter((request) => request.method !== 'GET');

function auditEntries(stack: Stack): Record<string, string>[] {
	const file = path.join(stack.dataDir, 'dashboard', 'audit.log');
	if (!fs.existsSync(file)) return [];
	return fs
		.readFileSync(file, 'utf8')
		.trim()
		.split('\n')
		.map((line) => JSON.parse(line));
}

function signIn(stack: Stack, password: string) {
	return send(stack, {
		method: 'POST',
		path: '/signin?/signin',
		headers: { 'content-type': form },
		body: new URLSearchParams({ password, next: '/sources' }).toString()
	});
}

test.describe('with an operator password', () => {
	test.use({
		stackOptions: {
			faultProxy: true,
			dashboardEnv: { DASHBOARD_OPERATOR_PASSWORD_HASH: passwordHash }
		}
	});

	test("a viewer's action is refused on the server, and recorded", async ({ stack }) => {
		const answer = await send(stack, stopAgent);
		expect(answer.status).toBe(403);
		expect(answer.body).toContain('Only operators can do this');
		// With JavaScript the same refusal comes as the action result use:enhance expects.
		const enhanced = await send(stack, {
			...stopAgent,
			headers: { ...stopAgent.headers, 'x-sveltekit-action': 'true', accept: 'application/json' }
		});
		expect(enhanced.status).toBe(403);
		expect(JSON.parse(enhanced.body)).toMatchObject({ type: 'error' });
		expect(upstreamPosts(stack)).toEqual([]);
		expect(auditEntries(stack)).toEqual([
			expect.objectContaining({ role: 'viewer', action: '/ ?/stopAgent', result: 'denied 403' }),
			expect.objectContaining({ role: 'viewer', action: '/ ?/stopAgent', result: 'denied 403' })
		]);
	});

	test('wrong passwords are refused, and past five the next attempt must wait', async ({
		stack
	}) => {
		for (let attempt = 0; attempt < 5; attempt++) {
			expect((await signIn(stack, `guess ${attempt}`)).status).toBe(401);
		}
		const limited = await signIn(stack, PASSWORD);
		expect(limited.status).toBe(429);
		expect(limited.body).toContain('Too many wrong passwords');
		expect(limited.headers['set-cookie'] ?? []).not.toContainEqual(
			expect.stringContaining('qh_operator')
		);
		expect(JSON.stringify(auditEntries(stack))).not.toContain('guess');
	});

	test('attempts sent at once cannot pass the limit: the right password as #37 of 40 is refused', async ({
		stack
	}) => {
		const answers = await Promise.all(
			Array.from({ length: 40 }, (_, i) => signIn(stack, i === 36 ? PASSWORD : `guess ${i}`))
		);
		const statuses = answers.map((answer) => answer.status);
		// Five were checked; every other one was refused before its password was.
		expect(statuses.filter((status) => status !== 429)).toEqual([401, 401, 401, 401, 401]);
		expect(statuses[36]).toBe(429);
	});

	test('an operator signs in with a strict, expiring cookie and acts; a forged one does not', async ({
		stack
	}) => {
		const signedIn = await signIn(stack, PASSWORD);
		expect(signedIn.status).toBe(303);
		expect(signedIn.headers.location).toBe('/sources');
		const cookie = signedIn.headers['set-cookie']!.find((c) => c.startsWith('qh_operator='))!;
		expect(cookie).toMatch(/HttpOnly/i);
		expect(cookie).toMatch(/SameSite=Strict/i);
		expect(cookie).toMatch(/Max-Age=43200/);
		const session = cookie.split(';')[0]!;

		const acted = await send(stack, {
			...stopAgent,
			headers: { ...stopAgent.headers, cookie: session }
		});
		expect(acted.status).toBe(200);
		expect(upstreamPosts(stack)).toEqual([{ method: 'POST', path: '/api/v1/agent/stop' }]);
		const entry = auditEntries(stack).find((e) => e.action === '/ ?/stopAgent')!;
		expect(entry).toMatchObject({ role: 'operator', result: 'success', client: '127.0.0.1' });
		expect(entry.session).toMatch(/^[\w-]{12}$/);

		const [payload, signature] = session.slice('qh_operator='.length).split('.');
		const forged = JSON.stringify({ id: 'forged', expires: Date.now() + 3600_000 });
		for (const cookieValue of [
			`${Buffer.from(forged).toString('base64url')}.${signature}`,
			`${payload}.${signature}x`,
			payload!
		]) {
			const refused = await send(stack, {
				...stopAgent,
				headers: { ...stopAgent.headers, cookie: `qh_operator=${cookieValue}` }
			});
			expect(refused.status).toBe(403);
		}
		expect(upstreamPosts(stack)).toHaveLength(1);
	});

	test('in the browser: a viewer sees no controls, signs in, acts, reads the audit trail, signs out', async ({
		page
	}) => {
		await page.goto('/');
		await expect(page.getByRole('heading', { name: 'Sync agent' })).toBeVisible();
		await expect(page.getByRole('button', { name: /Stop agent|Start agent/ })).toHaveCount(0);
		await page.goto('/audit');
		await expect(page).toHaveURL('/signin?next=%2Faudit');
		await expectAccessible(page);

		await page.getByLabel('Operator password').fill('not it');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page.getByRole('alert')).toHaveText('Wrong password.');
		await page.getByLabel('Operator password').fill(PASSWORD);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect(page).toHaveURL('/audit');
		await expect(page.getByRole('status')).toHaveText('Signed in as operator');

		await page.goto('/');
		await page.getByRole('button', { name: 'Stop agent' }).click();
		await expect(page.getByRole('button', { name: 'Start agent' })).toBeVisible();
		await page.getByRole('link', { name: 'Audit' }).click();
		const rows = page.getByRole('row');
		await expect(rows.filter({ hasText: '?/stopAgent' })).toContainText('success');
		await expect(rows.filter({ hasText: '/signin ?/signin' }).first()).toContainText('success');
		await expect(rows.filter({ hasText: '/signin ?/signin' }).last()).toContainText('failure 401');
		await expectAccessible(page);

		await page.getByRole('button', { name: 'Sign out' }).click();
		await expect(page.getByRole('link', { name: 'Operator sign-in' })).toBeVisible();
		await expect(page.getByRole('button', { name: /Start agent/ })).toHaveCount(0);
	});
});

test.describe('on the lab network without an operator password', () => {
	test.use({
		stackOptions: {
			faultProxy: true,
			dashboardEnv: {
				HOST: '0.0.0.0',
				ORIGIN: 'http://lab-pc.example',
				DASHBOARD_ALLOWED_HOSTS: 'lab-pc.local, 10.0.0.7'
			}
		}
	});

	for (const [host, status] of [
		['lab-pc.example', 200],
		['lab-pc.local:3000', 200],
		['10.0.0.7', 200],
		['localhost', 200],
		['evil.example', 403],
		['lab-pc.example.evil.example', 403]
	] as const) {
		test(`Host ${host}: ${status}`, async ({ stack }) => {
			expect((await send(stack, { path: '/sources', headers: { host } })).status).toBe(status);
		});
	}

	test('everybody is a viewer, and the page says how to enable operators', async ({
		stack,
		page
	}) => {
		const lab = { host: 'lab-pc.example', origin: 'http://lab-pc.example' };
		const answer = await send(stack, { ...stopAgent, headers: { ...stopAgent.headers, ...lab } });
		expect(answer.status).toBe(403);
		expect(upstreamPosts(stack)).toEqual([]);

		await page.goto('/');
		await page.getByRole('link', { name: 'Read-only: how to enable operators' }).click();
		await expect(page.getByText('npm run hash-password')).toBeVisible();
		await expect(page.getByText('DASHBOARD_OPERATOR_PASSWORD_HASH')).toBeVisible();
		await expectAccessible(page);
	});
});

test.describe('behind a reverse proxy (loopback bind, ORIGIN of another host), no password', () => {
	test.use({
		stackOptions: { faultProxy: true, dashboardEnv: { ORIGIN: 'https://sync.lab.example' } }
	});

	test('the proxied name is answered, and nobody is an operator', async ({ stack }) => {
		const proxied = { host: 'sync.lab.example', origin: 'https://sync.lab.example' };
		expect((await send(stack, { path: '/', headers: { host: proxied.host } })).status).toBe(200);
		const answer = await send(stack, {
			...stopAgent,
			headers: { ...stopAgent.headers, ...proxied }
		});
		expect(answer.status).toBe(403);
		expect(upstreamPosts(stack)).toEqual([]);
	});
});

test('a Core Tools password typed in the browser never leaves the dashboard server, and an edit without it keeps it', async ({
	stack,
	page
}) => {
	const sentinel = 'SENTINEL-d41d8cd98f00b204';
	// Nothing listens there: the agent's login is refused, which it reports and logs.
	const closedPort = await freePort();
	await page.goto('/sources/new?backend=etiket_sync_agent_coretools');
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Lab database');
	await page.getByRole('textbox', { name: 'host' }).fill('127.0.0.1');
	await page.getByRole('spinbutton', { name: 'port' }).fill(String(closedPort));
	await page.getByRole('textbox', { name: 'dbname' }).fill('lab');
	await page.getByRole('textbox', { name: 'user' }).fill('qh');
	await page.getByRole('textbox', { name: 'password', exact: true }).fill(sentinel);
	await page.getByRole('button', { name: 'Create source' }).click();
	await expect(page).toHaveURL(/\/sources\/\d+$/);
	const id = Number(new URL(page.url()).pathname.split('/').pop());
	const stored = () => api<Source>(stack, 'GET', `/sources/${id}`);
	await expect.poll(async () => (await stored()).status).toBe('error');

	// An edit that leaves the password empty keeps the stored one.
	await page.goto(`/sources/${id}/edit`);
	const password = page.getByRole('textbox', { name: 'password', exact: true });
	await expect(password).toHaveValue('');
	await expect(password).toHaveAttribute('placeholder', 'stored: leave empty to keep it');
	await page.getByRole('textbox', { name: 'user' }).fill('qh_lab');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(`/sources/${id}`);
	// The sync API does hold it: what follows could find it.
	expect((await stored()).config_data).toMatchObject({ user: 'qh_lab', password: sentinel });

	const answers: string[] = [];
	for (const url of [
		'/',
		'/__data.json',
		'/sources',
		'/sources/__data.json',
		`/sources/${id}`,
		`/sources/${id}/__data.json`,
		`/sources/${id}/edit`,
		`/sources/${id}/edit/__data.json`,
		`/sources/${id}/items`,
		`/sources/${id}/items/999999`,
		`/sources/${id}/errors`,
		`/sources/${id}/mappings`,
		'/items',
		'/errors',
		'/live'
	]) {
		const answer = await send(stack, { path: url });
		expect(answer.status, url).toBeLessThan(500);
		answers.push(answer.body);
	}
	// A rejected edit comes back with what was typed, but never the secret.
	const rejected = await send(stack, {
		method: 'POST',
		path: `/sources/${id}/edit?/save`,
		headers: { 'content-type': form },
		body: new URLSearchParams({
			name: '',
			'config.dbname': 'lab',
			'config.user': 'qh',
			'config.password': sentinel
		}).toString()
	});
	answers.push(rejected.body);
	await page.goto(`/sources/${id}/errors`);
	await expect(page.getByText(/Cannot use the Core-Tools database "lab"/).first()).toBeVisible();
	answers.push(await page.content());

	for (const body of answers) expect(body).not.toContain(sentinel);
	expect(stack.dashboardOutput()).not.toContain(sentinel);
	expect(JSON.stringify(auditEntries(stack))).not.toContain(sentinel);
	// Nor does the agent write it anywhere it logs.
	const logs = path.join(stack.dataDir, 'logs');
	for (const file of fs.readdirSync(logs)) {
		expect(fs.readFileSync(path.join(logs, file), 'utf8'), file).not.toContain(sentinel);
	}
});

test.describe('a build made with NODE_ENV=staging', () => {
	test.use({ stackOptions: { buildDir: 'build-staging', faultProxy: true } });

	test('still refuses cross-origin posts', async ({ stack }) => {
		for (const contentType of [form, 'multipart/form-data; boundary=x', 'text/plain']) {
			const answer = await send(stack, {
				...stopAgent,
				headers: { 'content-type': contentType, origin: 'http://evil.example' }
			});
			expect(answer.status, contentType).toBe(403);
		}
		expect(upstreamPosts(stack)).toEqual([]);
		expect((await send(stack, stopAgent)).status).toBe(200);
		expect(upstreamPosts(stack)).toHaveLength(1);
	});
});

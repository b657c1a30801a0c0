/**
 * Bad inputs and faults against the built dashboard (never the dev server), each with the
 * answer it must get. Every stack here has a fault proxy where the sync API should be, which
 * records every request that reaches it.
 */
import type { Fault } from './fault-proxy';
import { expect, test } from './fixtures';
import { send, type Answer, type RawRequest } from './raw-request';
import type { Stack } from './stack';

const form = 'application/x-www-form-urlencoded';
const evil = 'http://evil.example';
const postsUpstream = (stack: Stack) =>
	stack.upstream!.requests.filter((request) => request.method !== 'GET');

/** Every call that reached the sync API stayed under its API prefix. */
function expectUpstreamInBounds(stack: Stack) {
	for (const request of stack.upstream!.requests) expect(request.path).toMatch(/^\/api\/v1\//);
}

interface Case {
	name: string;
	request: (stack: Stack) => RawRequest;
	status: number;
	/** Beyond the status: what else must hold afterwards. */
	then?: (answer: Answer, stack: Stack) => void | Promise<void>;
}

const nothingReachedUpstream = (_: Answer, stack: Stack) =>
	expect(postsUpstream(stack)).toEqual([]);

const multipart = ['--x', 'Content-Disposition: form-data; name="id"', '', '1', '--x--', ''].join(
	'\r\n'
);

const cases: Case[] = [
	{
		name: 'a foreign Host on a page',
		request: () => ({ path: '/', headers: { host: 'evil.example' } }),
		status: 403
	},
	{
		name: 'a foreign Host on a stream',
		request: () => ({ path: '/logs/sync_agent/stream', headers: { host: 'evil.example:80' } }),
		status: 403
	},
	{
		name: 'a foreign Host on an action',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { host: 'evil.example', origin: evil, 'content-type': form },
			body: ''
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'localhost by name',
		request: (stack) => ({
			path: '/',
			headers: { host: `localhost:${new URL(stack.dashboardUrl).port}` }
		}),
		status: 200
	},
	{ name: 'loopback by address', request: () => ({ path: '/sources' }), status: 200 },
	{
		name: 'a cross-origin form post (urlencoded)',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { origin: evil, 'content-type': form },
			body: ''
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'a cross-origin form post (multipart)',
		request: () => ({
			method: 'POST',
			path: '/sources?/stopSource',
			headers: { origin: evil, 'content-type': 'multipart/form-data; boundary=x' },
			body: multipart
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'a cross-origin form post (Text/Plain)',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { origin: evil, 'content-type': 'Text/Plain' },
			body: 'id=1'
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'a cross-origin post of JSON',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { origin: evil, 'content-type': 'application/json' },
			body: '{}'
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'a post without Origin',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { origin: undefined, 'content-type': form },
			body: ''
		}),
		status: 403,
		then: nothingReachedUpstream
	},
	{
		name: 'an action by GET',
		request: () => ({ path: '/?/stopAgent' }),
		status: 405,
		then: (answer, stack) => {
			expect(answer.headers.allow).toBe('POST');
			nothingReachedUpstream(answer, stack);
		}
	},
	{
		name: 'an action by HEAD',
		request: () => ({ method: 'HEAD', path: '/sources?/stopSource&id=1' }),
		status: 405,
		then: nothingReachedUpstream
	},
	{
		name: 'an id that climbs with ..%2F',
		request: () => ({ path: '/sources/..%2F..%2Fagent%2Fstop' }),
		status: 400
	},
	{ name: 'an id of //evil.example', request: () => ({ path: '//evil.example' }), status: 400 },
	{
		name: 'an id of //evil.example inside a path',
		request: () => ({ path: '/sources//evil.example/items' }),
		status: 400
	},
	{ name: 'an id of /\\evil', request: () => ({ path: '/sources/\\evil' }), status: 400 },
	{
		name: 'a name with an encoded backslash',
		request: () => ({ path: '/backends/..%5Cagent' }),
		status: 400
	},
	{
		name: 'an oversized body',
		request: () => ({
			method: 'POST',
			path: '/?/stopAgent',
			headers: { 'content-type': form },
			body: `message=${'x'.repeat(1024 * 1024)}`
		}),
		status: 413,
		then: nothingReachedUpstream
	},
	{
		name: 'a page carries the CSP and the other headers, and no CORS',
		request: () => ({ path: '/', headers: { origin: evil } }),
		status: 200,
		then: (answer) => {
			const csp = String(answer.headers['content-security-policy']);
			expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
			expect(csp).toContain("frame-ancestors 'none'");
			expect(csp).toContain("default-src 'self'");
			expect(csp).not.toContain("'unsafe-inline'");
			expect(answer.body).toMatch(/<script nonce="[A-Za-z0-9+/=]+">/);
			expect(answer.headers['x-content-type-options']).toBe('nosniff');
			expect(answer.headers['referrer-policy']).toBe('same-origin');
			expect(answer.headers['x-frame-options']).toBe('DENY');
			expect(answer.headers['access-control-allow-origin']).toBeUndefined();
		}
	},
	{
		name: 'a same-origin action by the local operator runs once',
		// These stacks boot with the agent stopped.
		request: () => ({
			method: 'POST',
			path: '/?/startAgent',
			headers: { 'content-type': form },
			body: ''
		}),
		status: 200,
		then: (_, stack) =>
			expect(postsUpstream(stack)).toEqual([{ method: 'POST', path: '/api/v1/agent/start' }])
	}
];

test.describe('bad requests', () => {
	test.use({ stackOptions: { faultProxy: true, agent: false } });
	for (const { name, request, status, then } of cases) {
		test(`${name}: ${status}`, async ({ stack }) => {
			const answer = await send(stack, request(stack));
			expect(answer.status).toBe(status);
			await then?.(answer, stack);
			expectUpstreamInBounds(stack);
		});
	}
});

interface FaultCase {
	fault: Fault;
	request: RawRequest;
	status: number;
	/** Words of the page, and words that must stay in the dashboard's log only. */
	says: RegExp;
	logOnly?: string;
	/**
	 * How often one call reaches the sync API (the most-tried one at least, every one at most):
	 * GETs are retried twice, the rest never.
	 */
	attempts: { atLeast: number; atMost: number };
}

const getPage: RawRequest = { path: '/agent' };
const stopAgent: RawRequest = {
	method: 'POST',
	path: '/agent?/stopAgent',
	headers: { 'content-type': form },
	body: ''
};
const faults: FaultCase[] = [
	{
		fault: 'refuse',
		request: getPage,
		status: 503,
		says: /Sync API unreachable/,
		attempts: { atLeast: 3, atMost: 3 }
	},
	{
		fault: 'hang',
		request: getPage,
		status: 504,
		says: /did not answer in time/,
		attempts: { atLeast: 1, atMost: 3 }
	},
	{
		fault: 'not-json',
		request: getPage,
		status: 502,
		says: /Unexpected response from the sync API/,
		logOnly: 'not JSON',
		attempts: { atLeast: 1, atMost: 1 }
	},
	{
		fault: 'html',
		request: getPage,
		status: 502,
		says: /Unexpected response from the sync API/,
		logOnly: 'not JSON (text/html)',
		attempts: { atLeast: 1, atMost: 1 }
	},
	{
		fault: 'off-contract',
		request: getPage,
		status: 502,
		says: /Unexpected response from the sync API/,
		logOnly: 'does not match the contract',
		attempts: { atLeast: 1, atMost: 1 }
	},
	{
		fault: 'unavailable',
		request: getPage,
		status: 502,
		says: /Unexpected response from the sync API/,
		attempts: { atLeast: 3, atMost: 3 }
	},
	{
		fault: 'unavailable',
		request: stopAgent,
		status: 502,
		says: /Unexpected response from the sync API/,
		attempts: { atLeast: 1, atMost: 1 }
	},
	{
		fault: 'refuse',
		request: stopAgent,
		status: 503,
		says: /Sync API unreachable/,
		attempts: { atLeast: 1, atMost: 1 }
	}
];

test.describe('sync API faults', () => {
	test.use({ stackOptions: { faultProxy: true, agent: false } });
	for (const { fault, request, status, says, logOnly, attempts } of faults) {
		test(`${request.method ?? 'GET'} ${request.path} when the sync API answers ${fault}: ${status}`, async ({
			stack
		}) => {
			const upstream = stack.upstream!;
			upstream.requests.length = 0; // what the stack's start-up did
			upstream.fault = fault;
			const started = Date.now();
			const answer = await send(stack, request);
			expect(answer.status).toBe(status);
			expect(answer.body).toMatch(says);
			// The client's budget is 3 s here (tests/e2e/stack.ts), retries included.
			expect(Date.now() - started).toBeLessThan(5000);
			// Calls of the same page that failed later may still be retrying.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			const perCall = new Map<string, number>();
			for (const call of upstream.requests) {
				const key = `${call.method} ${call.path}`;
				perCall.set(key, (perCall.get(key) ?? 0) + 1);
			}
			expect(Math.max(...perCall.values())).toBeGreaterThanOrEqual(attempts.atLeast);
			for (const [call, count] of perCall) expect(count, call).toBeLessThanOrEqual(attempts.atMost);
			if (logOnly) {
				expect(answer.body).not.toContain(logOnly);
				await expect.poll(() => stack.dashboardOutput()).toContain(logOnly);
			}
			expect(answer.body).not.toMatch(/at \w+ \(|node_modules/);
			// The dashboard lived through it.
			upstream.fault = 'none';
			expect((await send(stack, { path: '/agent' })).status).toBe(200);
		});
	}
});

test('at the address a form without JavaScript posted to, the page keeps working; a GET of it runs nothing', async ({
	page,
	stack
}) => {
	await page.goto('/agent');
	await page
		.getByLabel('Report a problem with the agent to qHarbor support')
		.fill('The agent stops every night');
	// As a click before the page's JavaScript has loaded: the browser posts the form itself.
	await page
		.locator('form', { has: page.getByRole('button', { name: 'Send report' }) })
		.evaluate((form: HTMLFormElement) => form.submit());
	await expect(page).toHaveURL(/\/agent\?\/report$/);
	await expect(page.getByRole('status')).toContainText('stored in the outbox');

	// Hydrated there, an action reloads the page's data at that address.
	await page.getByRole('button', { name: 'Stop agent' }).click();
	await expect(page.getByRole('status')).toHaveText('Agent stopped');
	await expect(page.getByRole('button', { name: 'Start agent' })).toBeVisible();

	const opened = await page.goto('/agent?/startAgent');
	expect(opened?.status()).toBe(405);
	await page.getByRole('link', { name: 'Open the page' }).click();
	await expect(page).toHaveURL('/agent');
	await expect(page.getByRole('button', { name: 'Start agent' })).toBeVisible();
	const agent = await (await fetch(`${stack.syncApiUrl}/api/v1/agent/status`)).json();
	expect(agent.agent_service).toBe('stopped');
});

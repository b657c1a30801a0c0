/**
 * The sync API's gate, over real HTTP with the headers a browser or an attacker would send:
 * each bad request gets its refusal, and nothing it asked for happens.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { readAgentSettings } from '../../src/agent/settings';
import { createSyncApiClient } from '../../src/lib/server/sync-api/client';
import { freePort, launchUntil, rejection, stopProcess, tempDir } from '../helpers';
import { startAgent } from './harness';

interface Raw {
	method?: string;
	path: string;
	headers?: Record<string, string>;
	body?: string;
	/** Send the body chunked, without a Content-Length. */
	chunked?: boolean;
}

/** One HTTP request exactly as given (fetch would not let a test set Host). */
function send(
	baseUrl: string,
	raw: Raw
): Promise<{ status: number; headers: http.IncomingHttpHeaders; json: unknown }> {
	const url = new URL(baseUrl);
	return new Promise((resolve, reject) => {
		const request = http.request(
			{
				host: url.hostname,
				port: url.port,
				method: raw.method ?? 'GET',
				path: raw.path,
				headers: {
					...(raw.body !== undefined && !raw.chunked
						? { 'content-length': Buffer.byteLength(raw.body) }
						: {}),
					...raw.headers
				}
			},
			(response) => {
				let text = '';
				response.on('data', (chunk) => (text += chunk));
				response.on('end', () =>
					resolve({
						status: response.statusCode!,
						headers: response.headers,
						json: text ? JSON.parse(text) : null
					})
				);
			}
		);
		request.on('error', reject);
		if (raw.body !== undefined) request.write(raw.body);
		request.end();
	});
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const evil = 'http://evil.example';

interface Case {
	name: string;
	request: Raw;
	status: number;
	code?: string;
	allow?: string;
}

const cases: Case[] = [
	{
		name: 'a foreign Host',
		request: { path: '/api/v1/agent/status', headers: { host: 'evil.example' } },
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a foreign Host with a loopback port',
		request: { path: '/api/v1/sources', headers: { host: 'evil.example:10410' } },
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a Host that only starts like localhost',
		request: { path: '/api/v1/sources', headers: { host: 'localhost.evil.example' } },
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'localhost',
		request: { path: '/api/v1/sources', headers: { host: 'localhost:10410' } },
		status: 200
	},
	{
		name: '127.0.0.1',
		request: { path: '/api/v1/sources', headers: { host: '127.0.0.1' } },
		status: 200
	},
	{
		name: 'IPv6 loopback',
		request: { path: '/api/v1/sources', headers: { host: '[::1]:10410' } },
		status: 200
	},
	{
		name: 'a cross-site form post',
		request: {
			method: 'POST',
			path: '/api/v1/agent/stop',
			headers: { ...form, origin: evil },
			body: 'x=1'
		},
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a cross-site JSON post',
		request: {
			method: 'POST',
			path: '/api/v1/sources/1/scope-mappings/autoassign',
			headers: { ...json, origin: evil },
			body: '{}'
		},
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a cross-site read',
		request: { path: '/api/v1/sources', headers: { origin: evil } },
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a sandboxed page (Origin: null)',
		request: { method: 'POST', path: '/api/v1/agent/stop', headers: { origin: 'null' } },
		status: 403,
		code: 'Forbidden'
	},
	{
		name: 'a form body without Origin',
		request: { method: 'POST', path: '/api/v1/agent/stop', headers: form, body: 'x=1' },
		status: 415,
		code: 'UnsupportedMediaType'
	},
	{
		name: 'a text/plain body',
		request: {
			method: 'POST',
			path: '/api/v1/sources',
			headers: { 'content-type': 'text/plain' },
			body: '{"name":"x"}'
		},
		status: 415,
		code: 'UnsupportedMediaType'
	},
	{
		name: 'a body without a type',
		request: { method: 'POST', path: '/api/v1/agent/stop', body: '{}' },
		status: 415,
		code: 'UnsupportedMediaType'
	},
	{
		name: 'a 2 MB body',
		request: {
			method: 'POST',
			path: '/api/v1/sources',
			headers: json,
			body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
		},
		status: 413,
		code: 'PayloadTooLarge'
	},
	{
		name: 'a 2 MB chunked body',
		request: {
			method: 'POST',
			path: '/api/v1/sources',
			headers: json,
			body: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
			chunked: true
		},
		status: 413,
		code: 'PayloadTooLarge'
	},
	{
		name: 'PUT on a read',
		request: { method: 'PUT', path: '/api/v1/agent/status', headers: json, body: '{}' },
		status: 405,
		code: 'MethodNotAllowed',
		allow: 'GET, HEAD'
	},
	{
		name: 'GET on an action',
		request: { path: '/api/v1/agent/stop' },
		status: 405,
		code: 'MethodNotAllowed',
		allow: 'POST'
	},
	{
		name: 'DELETE on a list',
		request: { method: 'DELETE', path: '/api/v1/sources' },
		status: 405,
		code: 'MethodNotAllowed',
		allow: 'GET, HEAD, POST'
	},
	{
		name: 'a hexadecimal id',
		request: { path: '/api/v1/sources/0x1' },
		status: 422,
		code: 'ValidationError'
	},
	{
		name: 'an exponent id',
		request: { path: '/api/v1/sources/1e0' },
		status: 422,
		code: 'ValidationError'
	},
	{
		name: 'an id with a space',
		request: { path: '/api/v1/sources/%201' },
		status: 422,
		code: 'ValidationError'
	},
	{
		name: 'an id with a leading zero',
		request: { path: '/api/v1/sources/01' },
		status: 422,
		code: 'ValidationError'
	},
	{
		name: 'an id in the query, in hex',
		request: { path: '/api/v1/items?source_id=0x1' },
		status: 422,
		code: 'ValidationError'
	},
	{ name: 'the plain id', request: { path: '/api/v1/sources/1' }, status: 200 },
	{
		name: 'a JSON action without Origin (the dashboard, the SDK, curl)',
		request: {
			method: 'POST',
			path: '/api/v1/sources/1/scope-mappings/autoassign',
			headers: json,
			body: '{}'
		},
		status: 200
	}
];

describe('the sync API gate', () => {
	it.each(cases)('$name: $status', async ({ request, status, code, allow }) => {
		const agent = await startAgent();
		const folder = agent.dataDir;
		await agent.client.createSource({
			name: 'one',
			backend_identifier: 'etiket_sync_agent_folderbase',
			config_data: { root_directory: folder },
			autoassign_scope_mapping: false
		});
		await agent.client.startAgent();
		const before = agent.db.prepare('SELECT status FROM sources').all();

		const answer = await send(agent.baseUrl, request);
		expect(answer.status).toBe(status);
		if (code) expect(answer.json).toMatchObject({ error: { code } });
		if (allow) expect(answer.headers.allow).toBe(allow);
		if (status >= 400) {
			// Nothing it asked for happened: the agent runs, the source is as it was.
			expect((await agent.client.getAgentStatus()).agent_service).toBe('running');
			expect(agent.db.prepare('SELECT status FROM sources').all()).toEqual(before);
		}
	});

	it('answers the hosts and origins it is told to', async () => {
		const agent = await startAgent({
			SYNC_API_ALLOWED_HOSTS: 'lab-pc, lab-pc.example.org',
			SYNC_API_ALLOWED_ORIGINS: 'http://dashboard.example.org'
		});
		for (const host of ['lab-pc:10410', 'LAB-PC.example.org']) {
			expect(
				(await send(agent.baseUrl, { path: '/api/v1/sources', headers: { host } })).status
			).toBe(200);
		}
		const allowed = await send(agent.baseUrl, {
			method: 'POST',
			path: '/api/v1/agent/stop',
			headers: { ...json, origin: 'http://dashboard.example.org' },
			body: '{}'
		});
		expect(allowed.status).toBe(409); // stopped already: it reached the route
		const other = await send(agent.baseUrl, {
			path: '/api/v1/sources',
			headers: { host: 'lab-pc.evil.example' }
		});
		expect(other.status).toBe(403);
	});
});

describe('the sync API token', () => {
	const token = 'lab-token-0123456789abcdef0123456789abcdef';

	it('is required to listen beyond this computer, and then asked of every request', async () => {
		const dataDir = tempDir('qh-token-', onTestFinished);
		const port = await freePort();
		const env = { ...process.env, QH_DATA_DIR: dataDir, SYNC_API_PORT: String(port) };
		const args = ['--import', 'tsx', 'src/agent/serve.ts'];
		await expect(
			launchUntil('Sync API listening', args, { ...env, SYNC_API_HOST: '0.0.0.0' })
		).rejects.toThrow(/SYNC_API_HOST: listening on 0\.0\.0\.0.*needs SYNC_API_TOKEN/);

		const { child, output } = await launchUntil('Sync API listening', args, {
			...env,
			SYNC_API_HOST: '0.0.0.0',
			SYNC_API_TOKEN: token
		});
		onTestFinished(() => stopProcess(child));
		const baseUrl = `http://127.0.0.1:${port}`;
		for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`, `Bearer ${token}x`]) {
			const answer = await send(baseUrl, {
				path: '/api/v1/agent/status',
				headers: authorization ? { authorization } : {}
			});
			expect(answer.status, authorization).toBe(401);
			expect(answer.headers['www-authenticate']).toBe('Bearer');
			expect(answer.json).toMatchObject({ error: { code: 'Unauthorized' } });
		}
		const health = await send(baseUrl, { path: '/healthz' });
		expect(health.status).toBe(401);

		// The dashboard's client, with the token and without.
		const withToken = createSyncApiClient({ baseUrl, timeoutMs: 5000, token });
		expect((await withToken.getAgentStatus()).api_service).toBe('running');
		const without = await rejection(
			createSyncApiClient({ baseUrl, timeoutMs: 5000 }).listSources()
		);
		expect(without).toMatchObject({ status: 502, code: 'Unauthorized' });
		expect(without.message).toMatch(/refused the dashboard's token/);

		// Never written down: not in what the process printed, not in its logs.
		await stopProcess(child);
		const logs = fs
			.readdirSync(path.join(dataDir, 'logs'))
			.map((name) => fs.readFileSync(path.join(dataDir, 'logs', name), 'utf8'))
			.join('\n');
		expect(logs).toContain('/api/v1/agent/status');
		expect(logs + output()).not.toContain(token);
	});

	it('is checked at start-up: long enough, and optional on loopback only', () => {
		expect(() => readAgentSettings({ SYNC_API_HOST: '10.0.0.5', SYNC_API_TOKEN: 'short' })).toThrow(
			/SYNC_API_TOKEN: at least 32 printable characters/
		);
		expect(readAgentSettings({ SYNC_API_HOST: '10.0.0.5', SYNC_API_TOKEN: token }).token).toBe(
			token
		);
		// Loopback needs none; an empty variable is none.
		expect(readAgentSettings({ SYNC_API_HOST: '127.0.0.1', SYNC_API_TOKEN: '' }).token).toBe(
			undefined
		);
	});
});

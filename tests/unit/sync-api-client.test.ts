import { describe, expect, it } from 'vitest';
import { operations } from '$lib/contract';
import { createSyncApiClient } from '$lib/server/sync-api/client';
import { rejection } from '../helpers';

const status = {
	agent_service: 'running',
	api_service: 'running',
	status: 'running',
	iterations: 3,
	last_update: '2026-01-01T10:00:00.000Z'
};
/** As parsed: a sync API that keeps no history (the SDK's five fields) has recorded none. */
const parsedStatus = { ...status, outcomes_recorded: 0 };

/** A client whose fetch is scripted: each call takes the next answer and is recorded. */
function scripted(...answers: (() => Response | Promise<Response>)[]) {
	const calls: Request[] = [];
	const client = createSyncApiClient({
		baseUrl: 'http://sync.test',
		timeoutMs: 300,
		fetch: async (input, init) => {
			calls.push(new Request(input, init));
			const answer = answers[Math.min(calls.length, answers.length) - 1];
			if (!answer) throw new Error('no scripted answer');
			return answer();
		}
	});
	return { client, calls };
}

const json =
	(body: unknown, status = 200) =>
	() =>
		Response.json(body, { status });
const refused = () => {
	throw new TypeError('fetch failed');
};

describe('sync API client', () => {
	it('has a function for every operation of the contract', () => {
		const { client } = scripted();
		for (const id of Object.keys(operations)) {
			expect(typeof (client as unknown as Record<string, unknown>)[id], id).toBe('function');
		}
	});

	it('sends path parameters in the path and the rest as the body', async () => {
		const mapping = { scope_identifier: 'A/B', scope_uuid: '00000000-0000-4000-8000-000000000000' };
		const { client, calls } = scripted(json({ ...mapping, scope_name: null }));
		await client.updateScopeMapping({ id: 3, ...mapping });
		expect(new URL(calls[0]!.url).pathname).toBe('/api/v1/sources/3/scope-mappings/A%2FB');
		expect(calls[0]?.method).toBe('PATCH');
		expect(await calls[0]!.json()).toEqual({ scope_uuid: mapping.scope_uuid });
	});

	it('parses a valid answer with the contract', async () => {
		const { client, calls } = scripted(json(status));
		await expect(client.getAgentStatus()).resolves.toEqual(parsedStatus);
		expect(calls[0]?.url).toBe('http://sync.test/api/v1/agent/status');
	});

	it('encodes path parameters as one segment each', async () => {
		const { client, calls } = scripted(
			json({ error: { code: 'NotFound', message: 'no', details: [] } }, 404)
		);
		await rejection(client.getBackend({ identifier: '../../admin?x=1' }));
		expect(new URL(calls[0]!.url).pathname).toBe('/api/v1/backends/..%2F..%2Fadmin%3Fx%3D1');
	});

	it('sends query flags as strings and leaves out absent ones', async () => {
		const { client, calls } = scripted(json({ items: [], next_cursor: null }));
		await client.listSourceItems({ id: 4, is_synchronized: false, query: undefined, limit: 20 });
		expect(calls[0]?.url).toBe(
			'http://sync.test/api/v1/sources/4/items?is_synchronized=false&limit=20'
		);
	});

	it('turns a contract error into a rejected SyncApiError with code and details', async () => {
		const body = {
			error: {
				code: 'ValidationError',
				message: 'The request is invalid',
				details: [{ path: 'config_data.root_directory', message: 'does not exist' }]
			}
		};
		const { client } = scripted(json(body, 422));
		const error = await rejection(
			client.createSource({ name: 'x', backend_identifier: 'b', config_data: {} })
		);
		expect(error).toMatchObject({ failure: 'rejected', status: 422, code: 'ValidationError' });
		expect(error.details).toEqual(body.error.details);
	});

	it('answers 503 when nothing listens, after retrying a GET twice', async () => {
		const { client, calls } = scripted(refused);
		const error = await rejection(client.getAgentStatus());
		expect(error).toMatchObject({ failure: 'unreachable', status: 503 });
		expect(error.message).toBe('The sync API at http://sync.test is unreachable');
		expect(calls).toHaveLength(3);
	});

	it('never retries a POST', async () => {
		const { client, calls } = scripted(refused);
		await rejection(client.stopAgent());
		expect(calls).toHaveLength(1);
	});

	it('retries a GET that got a 503 and takes the later answer', async () => {
		const { client, calls } = scripted(() => new Response('busy', { status: 503 }), json(status));
		await expect(client.getAgentStatus()).resolves.toEqual(parsedStatus);
		expect(calls).toHaveLength(2);
	});

	it('answers 504 when the sync API hangs past the budget', async () => {
		const { client } = scripted(() => new Promise<Response>(() => {}));
		const error = await rejection(client.getAgentStatus());
		expect(error).toMatchObject({ failure: 'timeout', status: 504 });
	});

	it('answers 502 for HTML, for bodies that break the contract, and for foreign error bodies', async () => {
		const html = () =>
			new Response('<html>proxy</html>', { headers: { 'content-type': 'text/html' } });
		for (const answer of [html, json({ ...status, iterations: -1 }), json({ oops: true }, 500)]) {
			const { client } = scripted(answer);
			const error = await rejection(client.getAgentStatus());
			expect(error).toMatchObject({ failure: 'invalid', status: 502 });
		}
	});

	it('passes the agent’s NotSupported through as 501 with its message', async () => {
		const body = {
			error: { code: 'NotSupported', message: 'Needs the Python sync agent', details: [] }
		};
		const { client } = scripted(json(body, 501));
		const error = await rejection(client.installBackend({ source: 'pypi', package: 'x' }));
		expect(error).toMatchObject({
			failure: 'rejected',
			status: 501,
			message: 'Needs the Python sync agent'
		});
	});
});

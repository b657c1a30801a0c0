/**
 * Loads and actions called directly, for how sync API failures reach a person: the error page
 * with the right status, or the form with a message and the typed values.
 */
import { isActionFailure, isHttpError } from '@sveltejs/kit';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createSyncApiClient, type SyncApiClient } from '$lib/server/sync-api/client';
import { startAgent } from './harness';

const current: { client: SyncApiClient | null } = { client: null };
// The one agent of a dashboard without a lab's list, reached through `current.client`.
const agent = { name: '', base: '', url: 'http://sync.test', usesToken: false };
vi.mock('$lib/server/sync-api/configured', () => ({
	syncApi: () => current.client,
	agentFor: () => agent,
	currentAgent: () => agent,
	agentPage: (_url: URL, path: string) => path
}));

const { load: overviewLoad, actions: overviewActions } =
	await import('../../src/routes/+page.server');
const { actions: newSourceActions } = await import('../../src/routes/sources/new/+page.server');
const { load: sourceLoad } = await import('../../src/routes/sources/[id=id]/+page.server');
const { actions: backendActions } =
	await import('../../src/routes/backends/[identifier]/+page.server');

/** Just enough of a RequestEvent for these loads and actions. */
function event(
	overrides: { url?: string; params?: Record<string, string>; form?: Record<string, string> } = {}
) {
	const url = new URL(overrides.url ?? 'http://dashboard.test/');
	const body = new URLSearchParams(overrides.form ?? {});
	const request = new Request(url, { method: 'POST', body });
	const cookies = {
		get: () => undefined,
		set: vi.fn(),
		delete: vi.fn(),
		getAll: () => [],
		serialize: () => ''
	};
	return { url, params: overrides.params ?? {}, request, cookies, locals: { agent } } as never;
}

async function thrown(run: () => unknown) {
	try {
		await run();
	} catch (error) {
		return error;
	}
	throw new Error('expected it to throw');
}

function scripted(answer: () => Response | Promise<Response>) {
	return createSyncApiClient({
		baseUrl: 'http://sync.test',
		timeoutMs: 300,
		fetch: async () => answer()
	});
}

describe('loads end at the error page with the right status', () => {
	beforeEach(() => {
		current.client = null;
	});

	it('503 when the sync API is unreachable, saying where it was looked for', async () => {
		current.client = createSyncApiClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
		const error = await thrown(() => overviewLoad(event()));
		expect(isHttpError(error, 503)).toBe(true);
		expect((error as { body: App.Error }).body).toMatchObject({
			message: 'The sync API at http://127.0.0.1:9 is unreachable',
			failure: 'unreachable'
		});
	});

	it('504 when it hangs, 502 when it answers outside the contract', async () => {
		current.client = scripted(() => new Promise<Response>(() => {}));
		const hung = await thrown(() => overviewLoad(event()));
		expect(hung, String(hung)).toMatchObject({ status: 504 });
		current.client = scripted(() => new Response('<html>proxy error</html>'));
		expect(isHttpError(await thrown(() => overviewLoad(event())), 502)).toBe(true);
	});

	it('404 for a source that does not exist', async () => {
		current.client = (await startAgent()).client;
		const error = await thrown(() => sourceLoad(event({ params: { id: '999' } })));
		expect(isHttpError(error, 404)).toBe(true);
		expect((error as { body: App.Error }).body.message).toBe('No sync source with id 999');
	});
});

describe('actions bring what a person can fix back to the form', () => {
	it('a state that already holds is a 409 with the SDK exception in words', async () => {
		current.client = (await startAgent()).client;
		const result = await overviewActions.stopAgent!(event());
		expect(isActionFailure(result)).toBe(true);
		expect(result).toMatchObject({
			status: 409,
			data: { message: 'The agent is already stopped' }
		});
	});

	it('invalid settings are a 422 with a message per field and the typed values', async () => {
		current.client = (await startAgent()).client;
		const result = await newSourceActions.create!(
			event({
				url: 'http://dashboard.test/sources/new?backend=etiket_sync_agent_folderbase&/create',
				form: { name: 'x', 'config.root_directory': '/no/such/folder' }
			})
		);
		expect(result).toMatchObject({
			status: 422,
			data: {
				issues: [{ path: 'config_data.root_directory', message: '/no/such/folder does not exist' }],
				values: { name: 'x', config: { root_directory: '/no/such/folder' } }
			}
		});
	});

	it('NotSupported is shown as the agent’s own message, on the form', async () => {
		current.client = (await startAgent()).client;
		const result = await backendActions.install!(
			event({
				params: { identifier: 'etiket_sync_agent_qcodes' },
				form: { source: 'pypi', package: 'qcodes' }
			})
		);
		expect(result).toMatchObject({ status: 501 });
		expect((result as { data: { message: string } }).data.message).toMatch(
			/needs the Python sync agent/
		);
	});

	it('an unreachable sync API during an action ends at the 503 page', async () => {
		current.client = createSyncApiClient({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 2000 });
		expect(isHttpError(await thrown(() => overviewActions.startAgent!(event())), 503)).toBe(true);
	});
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { openRuntime } from '../../src/agent/runtime';
import { readAgentSettings } from '../../src/agent/settings';
import { createSyncApiClient } from '../../src/lib/server/sync-api/client';

/**
 * A fresh embedded sync API on a temporary data directory, cleaned up when the test ends.
 * `client` is the dashboard's own client, wired to the app's fetch handler: real HTTP
 * requests and responses through the contract on both sides, no port.
 */
export async function startAgent(env: Record<string, string> = {}) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-agent-'));
	const fullEnv = { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.1', ...env };
	const runtime = openRuntime(readAgentSettings(fullEnv), fullEnv);
	onTestFinished(async () => {
		await runtime.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});
	const client = createSyncApiClient({
		baseUrl: 'http://sync-api.test',
		timeoutMs: 10_000,
		fetch: async (input, init) => runtime.app.fetch(new Request(input, init))
	});
	const request = (url: string, init?: RequestInit) => runtime.app.request(url, init);
	return { ...runtime, dataDir, client, request };
}

export { rejection } from '../helpers';

import { once } from 'node:events';
import fs from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { onTestFinished } from 'vitest';
import { openRuntime } from '../../src/agent/runtime';
import { readAgentSettings } from '../../src/agent/settings';
import { createSyncApiClient } from '../../src/lib/server/sync-api/client';

/**
 * A fresh embedded sync API on a temporary data directory and a free loopback port, cleaned
 * up when the test ends. `client` is the dashboard's own client and `request` a plain fetch,
 * both over real HTTP to it.
 */
export async function startAgent(env: Record<string, string> = {}) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-agent-'));
	const fullEnv = { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.1', ...env };
	const runtime = openRuntime(readAgentSettings(fullEnv), fullEnv);
	const server = serve({
		fetch: runtime.app.fetch,
		hostname: '127.0.0.1',
		port: 0
	}) as http.Server;
	await once(server, 'listening');
	const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	onTestFinished(async () => {
		server.close();
		server.closeAllConnections();
		await runtime.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});
	const client = createSyncApiClient({ baseUrl, timeoutMs: 10_000 });
	const request = (url: string, init?: RequestInit) => fetch(`${baseUrl}${url}`, init);
	return { ...runtime, dataDir, baseUrl, client, request };
}

/** `startAgent`, and the uuid of the first scope of its registry. */
export async function agentWithScope(env: Record<string, string> = {}) {
	const agent = await startAgent(env);
	const scope = (await agent.client.listScopes())[0]!.uuid;
	return { ...agent, scope };
}

export { rejection } from '../helpers';

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, onTestFinished, vi } from 'vitest';
import { openDatabase } from '../../src/agent/db/database';
import { openRuntime } from '../../src/agent/runtime';
import { setDesiredAgentState } from '../../src/agent/services/agent-status';
import { readAgentSettings } from '../../src/agent/settings';
import { createSyncApiClient } from '../../src/lib/server/sync-api/client';
import {
	freePort,
	launchUntil,
	serveOnLoopback,
	stopProcess,
	type LaunchOptions
} from '../helpers';

/**
 * A fresh embedded sync API on a temporary data directory and a free loopback port, cleaned
 * up when the test ends. `client` is the dashboard's own client and `request` a plain fetch,
 * both over real HTTP to it.
 */
export async function startAgent(env: Record<string, string> = {}) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-agent-'));
	const fullEnv = { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.1', ...env };
	const runtime = openRuntime(readAgentSettings(fullEnv), fullEnv);
	const server = await serveOnLoopback(runtime.app.fetch);
	const { baseUrl } = server;
	onTestFinished(async () => {
		server.close();
		await runtime.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
	});
	const client = createSyncApiClient({ baseUrl, timeoutMs: 10_000 });
	const request = (url: string, init?: RequestInit) => fetch(`${baseUrl}${url}`, init);
	return { ...runtime, dataDir, baseUrl, client, request };
}

/**
 * A fresh sync API in its own process (its agent stopped), for what must apply to that process
 * alone, such as file permissions when the tests run as root (see `LaunchOptions`).
 */
export async function startAgentProcess(options: LaunchOptions) {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-agent-'));
	const env = { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.1' };
	const db = openDatabase(readAgentSettings(env).dbPath);
	setDesiredAgentState(db, 'stopped');
	db.close();
	const port = await freePort();
	const { child } = await launchUntil(
		'Sync API listening',
		['--import', 'tsx', 'src/agent/serve.ts'],
		{ ...env, SYNC_API_PORT: String(port) },
		options
	);
	onTestFinished(async () => {
		await stopProcess(child);
		fs.rmSync(dataDir, { recursive: true, force: true });
	});
	const baseUrl = `http://127.0.0.1:${port}`;
	return { dataDir, baseUrl, client: createSyncApiClient({ baseUrl, timeoutMs: 10_000 }) };
}

/** `startAgent`, and the uuid of the first scope of its registry. */
export async function agentWithScope(env: Record<string, string> = {}) {
	const agent = await startAgent(env);
	const scope = (await agent.client.listScopes())[0]!.uuid;
	return { ...agent, scope };
}

/**
 * `agentWithScope`, with what a backend's tests do with it: `start` creates a source of that
 * backend (default scope set) and starts the agent; `items` maps the source's items by data
 * identifier; `stored` is where a synced file is in the store; `untilSource` waits until the
 * source's counters match (syncing is background work).
 */
export async function sourceAgent(backendIdentifier: string, env: Record<string, string> = {}) {
	const agent = await agentWithScope(env);
	const start = async (config: Record<string, unknown>, name: string) => {
		const source = await agent.client.createSource({
			name,
			backend_identifier: backendIdentifier,
			config_data: config,
			default_scope: agent.scope
		});
		await agent.client.startAgent();
		return source;
	};
	const items = async (sourceId: number) =>
		new Map(
			(await agent.client.listSourceItems({ id: sourceId })).items.map((item) => [
				item.data_identifier,
				item
			])
		);
	const stored = (datasetUuid: string, name: string) =>
		path.join(agent.settings.storeDir, agent.scope, datasetUuid, 'files', name);
	const untilSource = (sourceId: number, expected: Record<string, unknown>) =>
		vi.waitFor(
			async () => expect(await agent.client.getSource({ id: sourceId })).toMatchObject(expected),
			{ timeout: 20_000, interval: 100 }
		);
	return { ...agent, start, items, stored, untilSource };
}

export { rejection } from '../helpers';

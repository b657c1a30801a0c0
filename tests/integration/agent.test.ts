import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { operations } from '$lib/contract';
import { startAgent } from './harness';

describe('agent status, start and stop', () => {
	it('reports a stopped agent on a fresh data directory before it is started', async () => {
		const { client } = await startAgent();
		await expect(client.getAgentStatus()).resolves.toEqual({
			agent_service: 'stopped',
			api_service: 'running',
			status: 'stopped',
			iterations: 0,
			last_update: null,
			outcomes_recorded: 0
		});
	});

	it('starts a real agent process that counts its cycles, and stops it', async () => {
		const { client, supervisor, settings } = await startAgent();
		const started = await client.startAgent();
		expect(started).toMatchObject({ agent_service: 'running', status: 'running' });
		await vi.waitFor(
			async () => expect((await client.getAgentStatus()).iterations).toBeGreaterThanOrEqual(3),
			{
				timeout: 10_000
			}
		);
		const running = await client.getAgentStatus();
		expect(Date.parse(running.last_update!)).toBeGreaterThan(Date.now() - 5000);

		const stopped = await client.stopAgent();
		expect(stopped).toMatchObject({ agent_service: 'stopped', status: 'stopped' });
		expect(supervisor.running).toBe(false);
		const iterations = stopped.iterations;
		await new Promise((resolve) => setTimeout(resolve, 400));
		expect((await client.getAgentStatus()).iterations).toBe(iterations);
		// Stopped gracefully, not killed after the grace period.
		const agentLog = fs.readFileSync(settings.agentLogFile, 'utf8');
		expect(agentLog).toMatch(/INFO sync_agent: Sync agent stopped\n$/);
		const apiLog = fs.readFileSync(settings.apiLogFile, 'utf8');
		expect(apiLog).not.toContain('killing it');
	});

	it('runs one agent per data directory: a second one waits until the first has exited', async () => {
		const { client, settings, dataDir } = await startAgent();
		const agentLog = () => fs.readFileSync(settings.agentLogFile, { encoding: 'utf8', flag: 'a+' });
		const started = () => agentLog().match(/Sync agent started/g)?.length ?? 0;
		await client.startAgent();
		await vi.waitFor(() => expect(started()).toBe(1), { timeout: 10_000 });
		// What a sync API restarted right after a crash does while its old agent still runs.
		const second = spawn(process.execPath, ['--import', 'tsx', 'src/agent/engine/worker.ts'], {
			env: { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.1' },
			stdio: ['pipe', 'ignore', 'inherit']
		});
		onTestFinished(() => {
			second.kill('SIGKILL');
		});
		await vi.waitFor(() => expect(agentLog()).toContain('waiting for it to exit'), {
			timeout: 10_000
		});
		expect(started()).toBe(1);

		await client.stopAgent();
		await vi.waitFor(() => expect(started()).toBe(2), { timeout: 10_000 });
		const exited = once(second, 'exit');
		second.stdin!.end();
		await exited;
	});

	it('answers 409 AgentAlreadyRunning and AgentAlreadyStopped where the state already holds', async () => {
		const { request } = await startAgent();
		const stop = await request('/api/v1/agent/stop', { method: 'POST' });
		expect(stop.status).toBe(409);
		expect((await stop.json()).error.code).toBe('AgentAlreadyStopped');

		expect((await request('/api/v1/agent/start', { method: 'POST' })).status).toBe(200);
		const again = await request('/api/v1/agent/start', { method: 'POST' });
		expect(again.status).toBe(409);
		expect(await again.json()).toEqual({
			error: {
				code: 'AgentAlreadyRunning',
				message: 'The sync agent is already running',
				details: []
			}
		});
	});

	it('remembers start/stop across a restart of the API', async () => {
		const first = await startAgent();
		await first.client.startAgent();
		await first.close();
		// The same data directory, opened again: the agent wanted running comes back.
		const second = await startAgent({ QH_DATA_DIR: first.dataDir });
		await second.restoreAgent();
		expect((await second.client.getAgentStatus()).agent_service).toBe('running');
		await second.client.stopAgent();
		await second.close();
		const third = await startAgent({ QH_DATA_DIR: first.dataDir });
		await third.restoreAgent();
		expect((await third.client.getAgentStatus()).status).toBe('stopped');
	});

	it('restarts an agent process that died, reporting it unavailable meanwhile', async () => {
		const { client, supervisor } = await startAgent();
		await client.startAgent();
		process.kill(supervisor.pid!, 'SIGKILL');
		await vi.waitFor(async () =>
			expect((await client.getAgentStatus()).status).toBe('unavailable')
		);
		await vi.waitFor(async () => expect((await client.getAgentStatus()).status).toBe('running'), {
			timeout: 10_000
		});
	});
});

describe('the sync API document and errors', () => {
	it('serves an OpenAPI 3.1 document listing every operation of the contract', async () => {
		const { request } = await startAgent();
		const document = await (await request('/openapi.json')).json();
		expect(document.openapi).toBe('3.1.0');
		for (const operation of Object.values(operations)) {
			expect(
				document.paths[operation.path]?.[operation.method],
				`${operation.method} ${operation.path}`
			).toMatchObject({
				operationId: operation.operationId
			});
		}
	});

	it('answers unknown routes with the contract error body', async () => {
		const { request } = await startAgent();
		const response = await request('/api/v1/nothing');
		expect(response.status).toBe(404);
		expect((await response.json()).error.code).toBe('NotFound');
	});

	it('answers /healthz', async () => {
		const { request } = await startAgent();
		expect(await (await request('/healthz')).json()).toEqual({ status: 'ok' });
	});
});

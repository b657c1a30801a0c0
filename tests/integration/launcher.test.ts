/**
 * The launcher (`scripts/start.js`) as `npm start` and a service manager run it: the embedded
 * sync API and the dashboard, each restarted when it dies, both stopped with the launcher.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildIfNeeded } from '../../scripts/build-if-needed.js';
import { openDatabase } from '../../src/agent/db/database';
import { setDesiredAgentState } from '../../src/agent/services/agent-status';
import { readAgentSettings } from '../../src/agent/settings';
import { freePort, tempDir } from '../helpers';
import { startAgent } from './harness';

const root = path.resolve(import.meta.dirname, '../..');
/** start.js's grace period for a process to exit after SIGTERM. */
const STOP_GRACE_MS = 10_000;
const startedLine = (name: string) => new RegExp(`^${name} started \\(pid (\\d+)\\)$`, 'gm');

function alive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function get(url: string) {
	const response = await fetch(url);
	return { status: response.status, body: await response.text() };
}

/** Runs `command` in the repository on a fresh data directory and free ports. */
async function launch(command: string, args: string[], more: Record<string, string> = {}) {
	const dataDir = tempDir('qh-launcher-', onTestFinished);
	const env: NodeJS.ProcessEnv = {
		...process.env,
		QH_DATA_DIR: dataDir,
		SYNC_API_PORT: String(await freePort()),
		PORT: String(await freePort()),
		HOST: '127.0.0.1',
		...more
	};
	if (!more.SYNC_API_URL) delete env.SYNC_API_URL;
	// No agent process: these tests are about the two processes around it.
	const db = openDatabase(readAgentSettings(env).dbPath);
	setDesiredAgentState(db, 'stopped');
	db.close();

	const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout.on('data', (chunk: Buffer) => (output += chunk));
	child.stderr.on('data', (chunk: Buffer) => (output += chunk));
	const launched = {
		child,
		dashboardUrl: `http://127.0.0.1:${env.PORT}/`,
		output: () => output,
		/** Every process the launcher started as `name`, in order. */
		pids: (name: string) => [...output.matchAll(startedLine(name))].map((m) => Number(m[1])),
		/** Every process it started, launcher included, that still runs. */
		running: () =>
			[child.pid!, ...launched.pids('Sync API'), ...launched.pids('Dashboard')].filter(alive)
	};
	onTestFinished(() => {
		for (const pid of launched.running()) process.kill(pid, 'SIGKILL');
	});
	await expect.poll(launched.output, { timeout: 20_000 }).toContain('Dashboard listening');
	return launched;
}

describe('the launcher', () => {
	beforeAll(() => buildIfNeeded(), 300_000);

	it('restarts a crashed sync API while the dashboard shows its unreachable page', async () => {
		const launcher = await launch(process.execPath, ['scripts/start.js']);
		expect((await get(launcher.dashboardUrl)).status).toBe(200);
		const [api] = launcher.pids('Sync API');
		process.kill(api!, 'SIGKILL');
		await expect
			.poll(() => get(launcher.dashboardUrl).catch((error: Error) => error.message), {
				timeout: 5000
			})
			.toMatchObject({ status: 503, body: expect.stringContaining('Sync API unreachable') });

		await expect.poll(() => launcher.pids('Sync API').length, { timeout: 15_000 }).toBe(2);
		expect(launcher.output()).toContain('Sync API exited (SIGKILL); restarting in 1 s');
		await expect
			.poll(async () => (await get(launcher.dashboardUrl)).status, { timeout: 15_000 })
			.toBe(200);

		// SIGTERM stops both, then the launcher.
		const stopped = Date.now();
		launcher.child.kill('SIGTERM');
		expect(await once(launcher.child, 'exit')).toEqual([0, null]);
		expect(Date.now() - stopped).toBeLessThan(STOP_GRACE_MS);
		expect(launcher.running()).toEqual([]);
	}, 30_000);

	it('restarts a crashed dashboard, and leaves the sync API alone', async () => {
		const launcher = await launch(process.execPath, ['scripts/start.js']);
		const [dashboard] = launcher.pids('Dashboard');
		process.kill(dashboard!, 'SIGKILL');
		await expect.poll(() => launcher.pids('Dashboard').length, { timeout: 15_000 }).toBe(2);
		expect(launcher.output()).toContain('Dashboard exited (SIGKILL); restarting in 1 s');
		await expect
			.poll(async () => (await get(launcher.dashboardUrl).catch(() => null))?.status, {
				timeout: 15_000
			})
			.toBe(200);
		expect(launcher.pids('Sync API')).toHaveLength(1);
	}, 30_000);

	it('kills a process that does not stop within the grace period, then exits', async () => {
		const launcher = await launch(process.execPath, ['scripts/start.js']);
		const [api] = launcher.pids('Sync API');
		const [dashboard] = launcher.pids('Dashboard');
		// A stopped process cannot handle SIGTERM; SIGKILL still ends it.
		process.kill(dashboard!, 'SIGSTOP');
		launcher.child.kill('SIGTERM');
		expect(await once(launcher.child, 'exit')).toEqual([0, null]);
		expect(launcher.output()).toContain('Dashboard did not stop within 10 s; killing it');
		expect(launcher.output()).toContain('Received SIGTERM, shutting down');
		expect([api, dashboard].filter((pid) => alive(pid!))).toEqual([]);
	}, 30_000);

	it('stops both when npm start gets SIGTERM (npm does not pass it on)', async () => {
		const npm = await launch('npm', ['start']);
		const children = [...npm.pids('Sync API'), ...npm.pids('Dashboard')];
		npm.child.kill('SIGTERM');
		await once(npm.child, 'exit');
		await expect.poll(() => children.filter(alive), { timeout: STOP_GRACE_MS }).toEqual([]);
		expect(npm.output()).toContain('Received SIGTERM, shutting down');
		// The launcher is gone too: nothing holds the output pipe any more.
		await expect.poll(() => npm.child.stdout.readableEnded).toBe(true);
	}, 30_000);

	it("runs no embedded agent for a lab's dashboard: it shows the agents listed", async () => {
		const fridge = await startAgent();
		const launcher = await launch(process.execPath, ['scripts/start.js'], {
			DASHBOARD_AGENTS: `fridge-1=${fridge.baseUrl}`
		});
		expect(launcher.pids('Sync API')).toEqual([]);
		const overview = await get(launcher.dashboardUrl);
		expect(overview.status).toBe(200);
		expect(overview.body).toContain('<title>Lab · eTiKeT Sync</title>');
		expect(overview.body).toContain('href="/agents/fridge-1"');
		expect((await get(`${launcher.dashboardUrl}agents/fridge-1/sources`)).status).toBe(200);
	}, 30_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/agent/db/database';
import { setDesiredAgentState } from '../../src/agent/services/agent-status';
import { readAgentSettings } from '../../src/agent/settings';
import { freePort, tempDir } from '../helpers';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

const root = path.resolve(import.meta.dirname, '../..');

/** Waits until the process prints `line` (it listens then): no polling, no port probing. */
async function waitForLine(child: ChildProcess, line: string, output: () => string) {
	if (output().includes(line)) return;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => done(new Error(`no "${line}" within 30 s:\n${output()}`)),
			30_000
		);
		const check = () => output().includes(line) && done();
		const exit = () => done(new Error(`process exited early:\n${output()}`));
		function done(error?: Error) {
			clearTimeout(timer);
			child.stdout?.off('data', check);
			child.stderr?.off('data', check);
			child.off('exit', exit);
			if (error) reject(error);
			else resolve();
		}
		child.stdout?.on('data', check);
		child.stderr?.on('data', check);
		child.on('exit', exit);
	});
}

function launch(args: string[], env: NodeJS.ProcessEnv) {
	const child = spawn(process.execPath, args, {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-1_000_000));
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	return { child, output: () => output };
}

/** Launches a process and waits until it prints `line`; kills it if it never does. */
async function launchUntil(line: string, args: string[], env: NodeJS.ProcessEnv) {
	const started = launch(args, env);
	try {
		await waitForLine(started.child, line, started.output);
	} catch (error) {
		await stop(started.child);
		throw error;
	}
	return started;
}

async function stop(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	await exited;
}

export interface Stack {
	dataDir: string;
	syncApiUrl: string;
	dashboardUrl: string;
	/** Kills the sync API (and with it the agent) the hard way, as a crash would. */
	killSyncApi(): Promise<void>;
	/** Restarts the dashboard on the same port: every open connection to it drops. */
	restartDashboard(): Promise<void>;
	/** The dashboard's process id (for measuring it). */
	readonly dashboardPid: number;
	/** Everything the dashboard process printed (its log). */
	dashboardOutput(): string;
	/** With `faultProxy`: what stands between the dashboard and the sync API. */
	upstream: FaultProxy | null;
	close(): Promise<void>;
}

export interface StackOptions {
	/** More environment for the dashboard alone (e.g. `HOST`, `ORIGIN`, a password hash). */
	dashboardEnv?: Record<string, string>;
	/** Put a fault proxy between the dashboard and the sync API. */
	faultProxy?: boolean;
	/** Another build of the dashboard than `build/`. */
	buildDir?: string;
	/**
	 * `false`: the sync API boots with its agent stopped, as after `SyncAgent.stop()`. For tests
	 * that sync nothing: an agent process costs a core's worth of start-up and cycles.
	 */
	agent?: boolean;
}

/**
 * A fresh embedded sync API on a temporary data directory, and the built dashboard in front
 * of it, each on a free port.
 */
export async function startStack(
	env: Record<string, string> = {},
	options: StackOptions = {}
): Promise<Stack> {
	const dataDir = tempDir('qh-e2e-');
	const [apiPort, dashboardPort] = [await freePort(), await freePort()];
	const syncApiUrl = `http://127.0.0.1:${apiPort}`;
	const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
	const base = { ...process.env, QH_DATA_DIR: dataDir, QH_CYCLE_SECONDS: '0.3', ...env };

	if (options.agent === false) {
		const db = openDatabase(readAgentSettings(base).dbPath);
		setDesiredAgentState(db, 'stopped');
		db.close();
	}
	// Neither needs the other to start: both boot at once.
	const upstream = options.faultProxy ? await startFaultProxy(syncApiUrl) : null;
	const startApi = () =>
		launchUntil('Sync API listening', ['build/agent/serve.js'], {
			...base,
			SYNC_API_PORT: String(apiPort)
		});
	const startDashboard = () =>
		launchUntil(
			'Dashboard listening',
			['scripts/dashboard-server.js', options.buildDir ?? 'build'],
			{
				...base,
				PORT: String(dashboardPort),
				HOST: '127.0.0.1',
				SYNC_API_URL: upstream?.url ?? syncApiUrl,
				SYNC_API_TIMEOUT_MS: '3000',
				...options.dashboardEnv
			}
		);
	const booting = [startApi(), startDashboard()] as const;
	const giveUp = async (error: unknown): Promise<never> => {
		for (const started of await Promise.allSettled(booting))
			if (started.status === 'fulfilled') await stop(started.value.child);
		await upstream?.close();
		fs.rmSync(dataDir, { recursive: true, force: true });
		throw error;
	};
	const [api, firstDashboard] = await Promise.all(booting).catch(giveUp);
	let dashboard = firstDashboard;

	return {
		dataDir,
		syncApiUrl,
		dashboardUrl,
		get dashboardPid() {
			return dashboard.child.pid!;
		},
		dashboardOutput: () => dashboard.output(),
		upstream,
		async killSyncApi() {
			const exited = once(api.child, 'exit');
			api.child.kill('SIGKILL');
			await exited;
		},
		async restartDashboard() {
			const exited = once(dashboard.child, 'exit');
			dashboard.child.kill('SIGKILL');
			await exited;
			dashboard = await startDashboard();
		},
		async close() {
			await Promise.all([stop(dashboard.child), stop(api.child), upstream?.close()]);
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

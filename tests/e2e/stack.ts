import { once } from 'node:events';
import fs from 'node:fs';
import { openDatabase } from '../../src/agent/db/database';
import { setDesiredAgentState } from '../../src/agent/services/agent-status';
import { readAgentSettings } from '../../src/agent/settings';
import { freePort, launchUntil, stopProcess, tempDir } from '../helpers';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

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
			if (started.status === 'fulfilled') await stopProcess(started.value.child);
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
			await Promise.all([stopProcess(dashboard.child), stopProcess(api.child), upstream?.close()]);
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

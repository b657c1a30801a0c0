import fs from 'node:fs';
import { openDatabase } from '../../src/agent/db/database';
import { setDesiredAgentState } from '../../src/agent/services/agent-status';
import { readAgentSettings } from '../../src/agent/settings';
import { freePort, launchUntil, stopProcess, tempDir } from '../helpers';
import { startFaultProxy, type FaultProxy } from './fault-proxy';

export interface LabAgent {
	name: string;
	dataDir: string;
	syncApiUrl: string;
	token?: string;
	/** Stops its sync API (the PC switched off): the dashboard finds it unreachable. */
	stop(): Promise<void>;
}

export interface LabStack {
	/** Where every agent's and the dashboard's data lies (and `agents.json`, with a token). */
	root: string;
	agents: LabAgent[];
	dashboardUrl: string;
	dashboardOutput(): string;
	/** The dashboard's process id (for measuring it). */
	dashboardPid: number;
	/** With `faultProxy`: what stands between the dashboard and that agent. */
	upstream: FaultProxy | null;
	close(): Promise<void>;
}

export interface LabOptions {
	/** Each agent's name; its agent process runs unless `stopped` names it (it then syncs nothing). */
	names: string[];
	stopped?: string[];
	/** A token every sync API asks for, written with each agent into DASHBOARD_AGENTS_FILE. */
	token?: string;
	/** The agent the dashboard reaches through a fault proxy (to make it hang). */
	faultProxy?: string;
	dashboardEnv?: Record<string, string>;
}

/**
 * A lab: an embedded sync API per agent name, each on its own data directory and port, and one
 * dashboard showing them all (`DASHBOARD_AGENTS`, or a file with their tokens).
 */
export async function startLab(options: LabOptions): Promise<LabStack> {
	const root = tempDir('qh-lab-');
	const agents = await Promise.all(
		options.names.map(async (name) => {
			const dataDir = `${root}/${name}`;
			const port = await freePort();
			const env = {
				...process.env,
				QH_DATA_DIR: dataDir,
				QH_CYCLE_SECONDS: '0.5',
				SYNC_API_PORT: String(port),
				...(options.token ? { SYNC_API_TOKEN: options.token } : {})
			};
			if (options.stopped?.includes(name)) {
				const db = openDatabase(readAgentSettings(env).dbPath);
				setDesiredAgentState(db, 'stopped');
				db.close();
			}
			const api = await launchUntil('Sync API listening', ['build/agent/serve.js'], env);
			return {
				name,
				dataDir,
				syncApiUrl: `http://127.0.0.1:${port}`,
				output: api.output,
				stop: () => stopProcess(api.child),
				child: api.child
			};
		})
	);
	const proxied = agents.find((agent) => agent.name === options.faultProxy);
	const upstream = proxied ? await startFaultProxy(proxied.syncApiUrl) : null;
	const urlOf = (agent: (typeof agents)[number]) =>
		agent === proxied ? upstream!.url : agent.syncApiUrl;
	const list = agents.map((agent) => `${agent.name}=${urlOf(agent)}`).join(',');
	const file = `${root}/agents.json`;
	if (options.token) {
		const entries = agents.map((a) => ({ name: a.name, url: urlOf(a), token: options.token }));
		fs.writeFileSync(file, JSON.stringify({ agents: entries }), { mode: 0o600 });
	}
	const port = await freePort();
	const dashboard = await launchUntil('Dashboard listening', ['scripts/dashboard-server.js'], {
		...process.env,
		QH_DATA_DIR: `${root}/dashboard`,
		PORT: String(port),
		HOST: '127.0.0.1',
		SYNC_API_TIMEOUT_MS: '2000',
		...(options.token ? { DASHBOARD_AGENTS_FILE: file } : { DASHBOARD_AGENTS: list }),
		...options.dashboardEnv
	}).catch(async (error: unknown) => {
		await Promise.all([...agents.map((agent) => agent.stop()), upstream?.close()]);
		throw error;
	});
	return {
		root,
		agents: agents.map(({ name, dataDir, syncApiUrl, stop }) => ({
			name,
			dataDir,
			syncApiUrl,
			token: options.token,
			stop
		})),
		dashboardUrl: `http://127.0.0.1:${port}`,
		dashboardOutput: () => dashboard.output(),
		dashboardPid: dashboard.child.pid!,
		upstream,
		async close() {
			await Promise.all([
				stopProcess(dashboard.child),
				...agents.map((agent) => agent.stop()),
				upstream?.close()
			]);
			fs.rmSync(root, { recursive: true, force: true });
		}
	};
}

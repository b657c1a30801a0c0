import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

function defaultDataDir(env: NodeJS.ProcessEnv): string {
	const base = env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share');
	return path.join(base, 'qharbor');
}

const Env = z.object({
	QH_DATA_DIR: z.string().min(1).optional(),
	QH_STORE_DIR: z.string().min(1).optional(),
	SYNC_API_HOST: z.string().min(1).default('127.0.0.1'),
	SYNC_API_PORT: z.coerce.number().int().min(0).max(65535).default(10410),
	QH_USER: z.string().min(1).optional(),
	/** Seconds the agent sleeps between sync cycles. */
	QH_CYCLE_SECONDS: z.coerce.number().positive().max(3600).default(5),
	QH_SCOPES: z.string().optional(),
	/** Seconds a live Quantify dataset's data file may stay unchanged before it is complete. */
	QH_LIVE_IDLE_SECONDS: z.coerce.number().positive().max(86_400).default(120),
	/** Days the sync history (outcomes, cycles) is kept, and at most how many outcomes. */
	QH_HISTORY_DAYS: z.coerce.number().positive().max(3650).default(30),
	QH_HISTORY_MAX_ROWS: z.coerce.number().int().min(1000).default(500_000),
	/** Whether a synced folder-base dataset gets a `.QH_manifest.yaml` (its folder is written). */
	QH_WRITE_MANIFESTS: z
		.enum(['0', '1', 'false', 'true', 'no', 'yes', ''], { error: 'expected 1 or 0' })
		.default('0')
		.transform((value) => ['1', 'true', 'yes'].includes(value)),
	/** Comma-separated host names answered besides loopback ones and the bind address. */
	SYNC_API_ALLOWED_HOSTS: z.string().default(''),
	/** Comma-separated browser origins (`http://host:port`) allowed to call; none by default. */
	SYNC_API_ALLOWED_ORIGINS: z.string().default(''),
	/** Required of every caller when set; to listen beyond loopback it must be. */
	SYNC_API_TOKEN: z
		.string()
		.regex(/^[\x21-\x7e]{32,}$/, 'at least 32 printable characters, no spaces')
		.optional()
});

/** Host names and addresses that only this computer can reach. */
export function isLoopbackHost(host: string): boolean {
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

const list = (value: string) =>
	value
		.split(',')
		.map((item) => item.trim())
		.filter(Boolean);

export interface AgentSettings {
	dataDir: string;
	storeDir: string;
	host: string;
	port: number;
	user: string;
	cycleSeconds: number;
	/** A live Quantify dataset whose data file is unchanged this long is complete. */
	liveIdleSeconds: number;
	/** How long and how much sync history is kept (services/history.ts). */
	history: { days: number; maxRows: number };
	/** JSON list of `{uuid, name}` to seed the scope registry with, if given. */
	scopesJson: string | undefined;
	/** Off by default: the user's data folders stay as they are. */
	writeManifests: boolean;
	/** Host names the sync API answers besides loopback ones (see api/gate.ts). */
	allowedHosts: string[];
	allowedOrigins: string[];
	/** What every caller must send as `Authorization: Bearer …` (see api/gate.ts). */
	token: string | undefined;
	dbPath: string;
	/** Held by the running agent process: one per data directory (see db/agent-lock.ts). */
	agentLockPath: string;
	apiLogFile: string;
	agentLogFile: string;
}

/** Reads and validates the agent's environment once; throws a readable error on bad values. */
export function readAgentSettings(env: NodeJS.ProcessEnv = process.env): AgentSettings {
	// `SYNC_API_TOKEN=` (a unit file's way to leave it unset) is no token.
	const parsed = Env.safeParse({ ...env, SYNC_API_TOKEN: env.SYNC_API_TOKEN || undefined });
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new Error(`Invalid sync agent settings:\n${lines.join('\n')}`);
	}
	const values = parsed.data;
	if (!isLoopbackHost(values.SYNC_API_HOST) && values.SYNC_API_TOKEN === undefined) {
		throw new Error(
			`Invalid sync agent settings:\n  SYNC_API_HOST: listening on ${values.SYNC_API_HOST}, beyond this computer, needs SYNC_API_TOKEN (at least 32 characters, e.g. from \`openssl rand -hex 32\`)`
		);
	}
	const dataDir = path.resolve(values.QH_DATA_DIR ?? defaultDataDir(env));
	return {
		dataDir,
		storeDir: path.resolve(values.QH_STORE_DIR ?? path.join(dataDir, 'store')),
		host: values.SYNC_API_HOST,
		port: values.SYNC_API_PORT,
		user: values.QH_USER ?? os.userInfo().username,
		cycleSeconds: values.QH_CYCLE_SECONDS,
		liveIdleSeconds: values.QH_LIVE_IDLE_SECONDS,
		history: { days: values.QH_HISTORY_DAYS, maxRows: values.QH_HISTORY_MAX_ROWS },
		scopesJson: values.QH_SCOPES,
		writeManifests: values.QH_WRITE_MANIFESTS,
		// A bind to a LAN address answers to that address; 0.0.0.0 and :: name no host.
		allowedHosts: [
			...(['0.0.0.0', '::'].includes(values.SYNC_API_HOST) ? [] : [values.SYNC_API_HOST]),
			...list(values.SYNC_API_ALLOWED_HOSTS)
		],
		allowedOrigins: list(values.SYNC_API_ALLOWED_ORIGINS),
		token: values.SYNC_API_TOKEN,
		dbPath: path.join(dataDir, 'sync_agent.sqlite'),
		agentLockPath: path.join(dataDir, 'sync_agent.lock'),
		apiLogFile: path.join(dataDir, 'logs', 'sync_api.log'),
		agentLogFile: path.join(dataDir, 'logs', 'sync_agent.log')
	};
}

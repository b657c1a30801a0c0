import os from 'node:os';
import path from 'node:path';
import { env } from '$env/dynamic/private';
import { z } from 'zod';
import { isPasswordHash } from '$lib/server/access/password';
import { scraperSettingProblem } from '$lib/server/access/scrapers';

const DashboardEnv = z.object({
	SYNC_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:10410'),
	/** Budget for one call to the sync API, retries included. */
	SYNC_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
	/** The agent's pause between cycles (the embedded agent reads the same variable). */
	QH_CYCLE_SECONDS: z.coerce.number().positive().max(3600).default(5),
	HOST: z.string().min(1).default('127.0.0.1'),
	ORIGIN: z.url({ protocol: /^https?$/ }).optional(),
	DASHBOARD_ALLOWED_HOSTS: z.string().optional(),
	/** Who besides this computer may read `/metrics`: addresses and CIDR ranges. */
	DASHBOARD_METRICS_SCRAPERS: z
		.string()
		.superRefine((value, context) => {
			const problem = scraperSettingProblem(value);
			if (problem) context.addIssue({ code: 'custom', message: problem });
		})
		.optional(),
	DASHBOARD_OPERATOR_PASSWORD_HASH: z
		.string()
		.refine(isPasswordHash, 'not a hash printed by `npm run hash-password`')
		.optional(),
	DASHBOARD_SESSION_SECRET: z.string().min(32, 'use at least 32 characters').optional(),
	DASHBOARD_SESSION_HOURS: z.coerce
		.number()
		.positive()
		.max(24 * 30)
		.default(12),
	/** adapter-node's own setting, in its syntax (`512K`); checked here before any body is read. */
	BODY_SIZE_LIMIT: z
		.string()
		.regex(/^\d+[KMG]?$/i, 'a number of bytes, optionally with K, M or G')
		.default('512K'),
	/** Where the dashboard keeps its session secret and audit trail; defaults beside the agent's. */
	DASHBOARD_DATA_DIR: z.string().min(1).optional(),
	QH_DATA_DIR: z.string().min(1).optional(),
	XDG_DATA_HOME: z.string().min(1).optional()
});

export interface DashboardSettings {
	syncApiUrl: string;
	syncApiTimeoutMs: number;
	/** A last update older than three cycles is shown as stale. */
	cycleSeconds: number;
	/** The address the dashboard is bound to (`HOST`). */
	bind: string;
	origin: string | undefined;
	allowedHosts: string | undefined;
	/** Addresses and ranges allowed to scrape `/metrics` besides loopback. */
	metricsScrapers: string | undefined;
	operatorPasswordHash: string | undefined;
	sessionSecret: string | undefined;
	sessionHours: number;
	dataDir: string;
	/** Largest request body accepted, in bytes. */
	bodySizeLimit: number;
}

function bytesOf(size: string): number {
	const units: Record<string, number> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
	const unit = size.at(-1)!.toUpperCase();
	return unit in units ? Number(size.slice(0, -1)) * units[unit]! : Number(size);
}

export function readDashboardSettings(
	values: Record<string, string | undefined>
): DashboardSettings {
	// An empty variable (`FOO=` in a unit file) means unset.
	const given = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ''));
	const parsed = DashboardEnv.safeParse(given);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new Error(`Invalid dashboard settings:\n${lines.join('\n')}`);
	}
	const v = parsed.data;
	const agentDataDir =
		v.QH_DATA_DIR ??
		path.join(v.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'qharbor');
	return {
		syncApiUrl: v.SYNC_API_URL.replace(/\/+$/, ''),
		syncApiTimeoutMs: v.SYNC_API_TIMEOUT_MS,
		cycleSeconds: v.QH_CYCLE_SECONDS,
		bind: v.HOST,
		origin: v.ORIGIN,
		allowedHosts: v.DASHBOARD_ALLOWED_HOSTS,
		metricsScrapers: v.DASHBOARD_METRICS_SCRAPERS,
		operatorPasswordHash: v.DASHBOARD_OPERATOR_PASSWORD_HASH,
		sessionSecret: v.DASHBOARD_SESSION_SECRET,
		sessionHours: v.DASHBOARD_SESSION_HOURS,
		dataDir: path.resolve(v.DASHBOARD_DATA_DIR ?? path.join(agentDataDir, 'dashboard')),
		bodySizeLimit: bytesOf(v.BODY_SIZE_LIMIT)
	};
}

/** Read once, when the server first needs them. */
export const settings = readDashboardSettings(env);

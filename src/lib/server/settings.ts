import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { env } from '$env/dynamic/private';
import { z } from 'zod';
import { AGENT_NAME } from '$lib/agent-path';
import { isPasswordHash } from '$lib/server/access/password';
import { scraperSettingProblem } from '$lib/server/access/scrapers';

const DashboardEnv = z.object({
	SYNC_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:10410'),
	/** Budget for one call to the sync API, retries included. */
	SYNC_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
	/** What the sync API asks of callers, when it asks (its own SYNC_API_TOKEN). */
	SYNC_API_TOKEN: z.string().min(1).optional(),
	/** A lab's agents, `name=url` separated by commas; each agent's pages live under its name. */
	DASHBOARD_AGENTS: z.string().optional(),
	/** The same as a JSON file, which may also hold each agent's token and timeout. */
	DASHBOARD_AGENTS_FILE: z.string().optional(),
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

/** One sync agent the dashboard shows. */
export interface AgentSetting {
	/** A URL-safe name; empty for the one agent of a dashboard without `DASHBOARD_AGENTS`. */
	name: string;
	url: string;
	/** Sent as `Authorization: Bearer …`, server-side only. */
	token: string | undefined;
	/** Budget for one call, retries included: how long a page waits for this agent at most. */
	timeoutMs: number;
}

const timeoutMs = z.coerce.number().int().min(100).max(120_000);
const httpUrl = z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''));

const AgentsFile = z.strictObject({
	agents: z
		.array(
			z.strictObject({
				name: z.string().regex(AGENT_NAME, 'a URL-safe name: a-z, 0-9 and dashes'),
				url: httpUrl,
				token: z.string().min(1).optional(),
				timeout_ms: timeoutMs.optional()
			})
		)
		.min(1)
});

/** `fridge-1=http://10.0.0.5:10410, fridge-2=…` and the file's list, as one list. */
function labAgents(
	inline: string | undefined,
	file: string | undefined,
	defaultTimeoutMs: number
): AgentSetting[] {
	const listed: AgentSetting[] = (inline ?? '')
		.split(',')
		.map((entry) => entry.trim())
		.filter(Boolean)
		.map((entry) => {
			const [name = '', url = ''] = entry.split(/=(.*)/s, 2).map((part) => part.trim());
			if (!AGENT_NAME.test(name))
				throw new Error(`DASHBOARD_AGENTS: “${name}” is not a URL-safe name (a-z, 0-9, dashes)`);
			const parsed = httpUrl.safeParse(url);
			if (!parsed.success)
				throw new Error(`DASHBOARD_AGENTS: ${name}'s “${url}” is not an http(s) URL`);
			return { name, url: parsed.data, token: undefined, timeoutMs: defaultTimeoutMs };
		});
	if (file !== undefined) {
		let parsed;
		try {
			parsed = AgentsFile.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
		} catch (error) {
			throw new Error(`DASHBOARD_AGENTS_FILE: cannot read ${file}: ${(error as Error).message}`);
		}
		if (!parsed.success) {
			const issue = parsed.error.issues[0]!;
			throw new Error(`DASHBOARD_AGENTS_FILE ${file}: ${issue.path.join('.')}: ${issue.message}`);
		}
		for (const { name, url, token, timeout_ms } of parsed.data.agents)
			listed.push({ name, url, token, timeoutMs: timeout_ms ?? defaultTimeoutMs });
	}
	const names = new Set<string>();
	for (const { name } of listed) {
		if (names.has(name)) throw new Error(`DASHBOARD_AGENTS: the name “${name}” is given twice`);
		names.add(name);
	}
	return listed;
}

export interface DashboardSettings {
	/**
	 * The agents shown: a lab's list (`DASHBOARD_AGENTS`, `DASHBOARD_AGENTS_FILE`), or the one
	 * agent at `SYNC_API_URL`, nameless, whose pages keep their short addresses.
	 */
	agents: AgentSetting[];
	/** Whether `agents` is a lab's list: `/` is then the lab overview. */
	lab: boolean;
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
	const lab = labAgents(v.DASHBOARD_AGENTS, v.DASHBOARD_AGENTS_FILE, v.SYNC_API_TIMEOUT_MS);
	const single: AgentSetting = {
		name: '',
		url: v.SYNC_API_URL.replace(/\/+$/, ''),
		token: v.SYNC_API_TOKEN,
		timeoutMs: v.SYNC_API_TIMEOUT_MS
	};
	return {
		agents: lab.length > 0 ? lab : [single],
		lab: lab.length > 0,
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

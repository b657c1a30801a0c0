import { env } from '$env/dynamic/private';
import { z } from 'zod';

const DashboardEnv = z.object({
	SYNC_API_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:10410'),
	/** Budget for one call to the sync API, retries included. */
	SYNC_API_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
	/** The agent's pause between cycles (the embedded agent reads the same variable). */
	QH_CYCLE_SECONDS: z.coerce.number().positive().max(3600).default(5)
});

export interface DashboardSettings {
	syncApiUrl: string;
	syncApiTimeoutMs: number;
	/** A last update older than three cycles is shown as stale. */
	cycleSeconds: number;
}

export function readDashboardSettings(
	values: Record<string, string | undefined>
): DashboardSettings {
	const parsed = DashboardEnv.safeParse(values);
	if (!parsed.success) {
		const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
		throw new Error(`Invalid dashboard settings:\n${lines.join('\n')}`);
	}
	return {
		syncApiUrl: parsed.data.SYNC_API_URL.replace(/\/+$/, ''),
		syncApiTimeoutMs: parsed.data.SYNC_API_TIMEOUT_MS,
		cycleSeconds: parsed.data.QH_CYCLE_SECONDS
	};
}

/** Read once, when the server first needs them. */
export const settings = readDashboardSettings(env);

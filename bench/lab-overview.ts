/**
 * The lab overview (`/` with DASHBOARD_AGENTS) over many agents: 20 embedded sync APIs of 50
 * sources each, one dashboard showing them; its p95, then again while one agent hangs (reached
 * through a proxy that stops answering), against that agent's timeout.
 * Prints the figures; not a test.   npm run bench:lab
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { startLab } from '../tests/e2e/lab-stack';
import { api } from '../tests/e2e/seed';
import { timeMany } from './pages';
import { cpuSecondsOf, describeMachine, isMain, latency, ms, type Latency } from './stats';

export interface LabOverviewFigures {
	agents: number;
	sources_per_agent: number;
	/** Every agent answering (target p95 < 100 ms). */
	overview: Latency;
	/**
	 * The dashboard's own CPU per overview: the rest of the time is the agents' 100 answers,
	 * here from 20 processes sharing this machine's cores with it (in a lab, 20 PCs).
	 */
	dashboard_cpu_ms: number;
	/** One agent hanging: each load waits for its timeout, and should wait no more. */
	hanging: Latency & { timeout_ms: number };
}

const TIMEOUT_MS = 1000;

export async function measureLabOverview(
	agents = 20,
	sourcesPerAgent = 50
): Promise<LabOverviewFigures> {
	const names = Array.from({ length: agents }, (_, i) => `agent-${String(i + 1).padStart(2, '0')}`);
	const lab = await startLab({
		names,
		stopped: names,
		faultProxy: names.at(-1),
		dashboardEnv: { SYNC_API_TIMEOUT_MS: String(TIMEOUT_MS) }
	});
	try {
		await Promise.all(
			lab.agents.map(async (agent) => {
				for (let i = 0; i < sourcesPerAgent; i++) {
					const folder = path.join(agent.dataDir, 'data', `source-${i}`);
					fs.mkdirSync(folder, { recursive: true });
					await api(agent, 'POST', '/sources', {
						name: `Setup ${i}`,
						backend_identifier: 'etiket_sync_agent_folderbase',
						config_data: { root_directory: folder },
						autoassign_scope_mapping: false
					});
				}
			})
		);
		const page = `${lab.dashboardUrl}/`;
		await timeMany([page], { warmUp: 10, requests: 0 });
		const cpuBefore = cpuSecondsOf(lab.dashboardPid);
		const overview = await timeMany([page], { warmUp: 0, requests: 200 });
		const dashboardCpuMs = ((cpuSecondsOf(lab.dashboardPid) - cpuBefore) / 200) * 1000;
		lab.upstream!.fault = 'hang';
		const samples: number[] = [];
		for (let i = 0; i < 10; i++) {
			const started = performance.now();
			const response = await fetch(page);
			const html = await response.text();
			if (!response.ok || !html.includes('Unreachable')) throw new Error('no unreachable agent');
			samples.push(performance.now() - started);
		}
		return {
			agents,
			sources_per_agent: sourcesPerAgent,
			overview,
			dashboard_cpu_ms: dashboardCpuMs,
			hanging: { ...latency(samples), timeout_ms: TIMEOUT_MS }
		};
	} finally {
		await lab.close();
	}
}

if (isMain(import.meta.url)) {
	buildIfNeeded();
	const figures = await measureLabOverview();
	const { overview, hanging } = figures;
	console.log(
		`Lab overview, ${figures.agents} agents × ${figures.sources_per_agent} sources: p50 ${ms(overview.p50)} ms, p95 ${ms(overview.p95)} ms (target < 100 ms); the dashboard's CPU ${ms(figures.dashboard_cpu_ms)} ms a page`
	);
	console.log(
		`  one agent hanging (timeout ${hanging.timeout_ms} ms): p50 ${ms(hanging.p50)} ms, p95 ${ms(hanging.p95)} ms (target ≤ ${hanging.timeout_ms + 50} ms)`
	);
	console.log(`Machine: ${describeMachine()}`);
}

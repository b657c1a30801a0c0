/**
 * Viewers benchmark: 50 clients at once, each GETting `/` and `/sources` in turn as fast as
 * the dashboard answers, for 60 s; the latency of each page view, how many there were, and
 * how many failed (not 200, or no answer). Prints the figures; not a test.
 *
 *   npm run bench:viewers      (BENCH_SECONDS=60 to change the duration)
 */
import { startStack } from '../tests/e2e/stack';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { describeMachine, isMain, latency, type Latency } from './stats';

export interface ViewerFigures {
	clients: number;
	seconds: number;
	requests: number;
	failures: number;
	requests_per_second: number;
	latency_ms: Latency;
}

const PAGES = ['/', '/sources'];

export async function measureViewers(
	dashboardUrl: string,
	{ clients = 50, seconds }: { clients?: number; seconds: number }
): Promise<ViewerFigures> {
	const samples: number[] = [];
	let failures = 0;
	const deadline = performance.now() + seconds * 1000;
	const viewer = async (first: number) => {
		for (let n = first; performance.now() < deadline; n++) {
			const started = performance.now();
			try {
				const response = await fetch(`${dashboardUrl}${PAGES[n % PAGES.length]}`);
				await response.arrayBuffer();
				if (response.status !== 200) failures++;
			} catch {
				failures++;
			}
			samples.push(performance.now() - started);
		}
	};
	await Promise.all(Array.from({ length: clients }, (_, i) => viewer(i)));
	return {
		clients,
		seconds,
		requests: samples.length,
		failures,
		requests_per_second: samples.length / seconds,
		latency_ms: latency(samples)
	};
}

if (isMain(import.meta.url)) {
	buildIfNeeded();
	const stack = await startStack({ QH_CYCLE_SECONDS: '3600' });
	try {
		const figures = await measureViewers(stack.dashboardUrl, {
			seconds: Number(process.env.BENCH_SECONDS ?? 60)
		});
		const { p50, p95 } = figures.latency_ms;
		console.log(
			`${figures.clients} viewers × ${figures.seconds} s on / and /sources: ${figures.requests} requests (${figures.requests_per_second.toFixed(0)}/s), ${figures.failures} failed; p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`
		);
		console.log(`Machine: ${describeMachine()}`);
	} finally {
		await stack.close();
	}
}

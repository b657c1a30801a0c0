/**
 * `GET /metrics` for Prometheus (prom-client): the agent and its sources as the sync API tells
 * at each scrape, every sync outcome ever recorded as counters and a histogram of durations,
 * and the dashboard's own process, live streams and response times.
 */
import client from 'prom-client';
import { AgentStatusValue, SourceStatus, type SyncTotals } from '$lib/contract';
import { LIVE_ITEMS_QUERY } from '$lib/live-items';
import { syncApi } from './configured';
import { openStreamCount } from './live/sse-response';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'etiket_dashboard_' });
// Gauges named like counters, which promtool refuses: left out.
for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
	registry.removeSingleMetric(`etiket_dashboard_nodejs_${name}`);

const gauge = (name: string, help: string, labelNames: string[] = []) =>
	new client.Gauge({ name, help, labelNames, registers: [registry] });
const counter = (name: string, help: string, labelNames: string[] = []) =>
	new client.Counter({ name, help, labelNames, registers: [registry] });

const agentUp = gauge(
	'etiket_agent_up',
	'Whether the sync API answered this scrape (1) or not (0)'
);
const agentStatus = gauge('etiket_agent_status', 'The agent status: 1 for the current one', [
	'status'
]);
const iterations = counter('etiket_agent_iterations_total', 'Sync cycles the agent completed');
const sourceItems = gauge('etiket_source_items', "A source's items, by state", [
	'source_id',
	'source',
	'state'
]);
const sourceStatus = gauge('etiket_source_status', "A source's status: 1 for the current one", [
	'source_id',
	'source',
	'status'
]);
const unreadErrors = gauge('etiket_errors_unread', 'Errors not marked viewed, by level', ['level']);
const liveItems = gauge('etiket_live_items', 'Datasets being measured and replicated now');
const outcomes = counter('etiket_sync_outcomes_total', 'Items synced, failed, or found missing', [
	'source_id',
	'outcome'
]);
const files = counter('etiket_sync_files_total', 'Files stored by successful syncs', ['source_id']);
const bytes = counter('etiket_sync_bytes_total', 'Bytes stored by successful syncs', ['source_id']);
new client.Gauge({
	name: 'etiket_dashboard_sse_clients',
	help: 'Live streams (status, logs) open to browsers',
	registers: [registry],
	collect() {
		this.set(openStreamCount());
	}
});
const responseSeconds = new client.Histogram({
	name: 'etiket_dashboard_response_seconds',
	help: 'Time until the dashboard starts its answer (a page rendered), by route',
	labelNames: ['route', 'method'],
	buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
	registers: [registry]
});

/**
 * Sync durations, as the agent counted them into its buckets: a histogram prom-client's own
 * class cannot be set to, so registered as the metric object the registry formats.
 */
let durations: SyncTotals | null = null;
const DURATION = 'etiket_sync_duration_seconds';
registry.registerMetric({
	name: DURATION,
	async get() {
		const bounds = [...(durations?.duration_buckets_seconds ?? []).map(String), '+Inf'];
		const values = (durations?.totals ?? [])
			.filter((total) => total.outcome !== 'missing')
			.flatMap((total) => {
				const labels = { source_id: String(total.source_id), outcome: total.outcome };
				let cumulative = 0;
				return [
					...bounds.map((le, i) => {
						cumulative += total.duration_counts[i] ?? 0;
						return {
							labels: { ...labels, le },
							value: cumulative,
							metricName: `${DURATION}_bucket`
						};
					}),
					{ labels, value: total.duration_seconds, metricName: `${DURATION}_sum` },
					{ labels, value: total.count, metricName: `${DURATION}_count` }
				];
			});
		return {
			name: DURATION,
			help: 'How long syncs took',
			type: 'histogram',
			values,
			aggregator: 'sum'
		};
	}
} as unknown as client.Metric);

/** Counts a response: how long the route took to start answering. */
export function observeResponse(route: string, method: string, seconds: number): void {
	responseSeconds.observe({ route, method }, seconds);
}

/** Reads the sync API once and sets every agent series from it. */
async function readAgent(): Promise<void> {
	for (const metric of [
		agentStatus,
		iterations,
		sourceItems,
		sourceStatus,
		unreadErrors,
		liveItems,
		outcomes,
		files,
		bytes
	])
		metric.reset();
	durations = null;
	try {
		const [agent, sources, counts, live, totals] = await Promise.all([
			syncApi.getAgentStatus(),
			syncApi.listSources(),
			syncApi.getErrorCounts(),
			syncApi.searchItems({ ...LIVE_ITEMS_QUERY, limit: 500 }),
			// A sync API that keeps no totals (the Python agent's) still has the rest scraped.
			syncApi.getSyncTotals().catch(() => null)
		]);
		for (const status of AgentStatusValue.options)
			agentStatus.set({ status }, status === agent.status ? 1 : 0);
		iterations.inc(agent.iterations);
		for (const source of sources) {
			const labels = { source_id: String(source.id), source: source.name };
			for (const [state, value] of [
				['total', source.items_total],
				['synced', source.items_synced],
				['failed', source.items_failed],
				['missing', source.items_missing],
				['unmapped', source.items_unmapped_scope_count]
			] as const)
				sourceItems.set({ ...labels, state }, value);
			for (const status of SourceStatus.options)
				sourceStatus.set({ ...labels, status }, status === source.status ? 1 : 0);
		}
		unreadErrors.set({ level: 'agent' }, counts.agent.unread);
		unreadErrors.set(
			{ level: 'source' },
			counts.sources.reduce((sum, source) => sum + source.unread, 0)
		);
		liveItems.set(live.items.length);
		for (const total of totals?.totals ?? []) {
			const source_id = String(total.source_id);
			outcomes.inc({ source_id, outcome: total.outcome }, total.count);
			if (total.outcome !== 'synced') continue;
			files.inc({ source_id }, total.files);
			bytes.inc({ source_id }, total.bytes);
		}
		durations = totals;
		agentUp.set(1);
	} catch (error) {
		console.error(`Metrics: the sync API did not answer: ${(error as Error).message}`);
		agentUp.set(0);
	}
}

/** The exposition text of one scrape, and its content type. */
export async function scrape(): Promise<{ body: string; contentType: string }> {
	await readAgent();
	return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * `GET /metrics` for Prometheus (prom-client): each agent and its sources as its sync API tells
 * at each scrape (in a lab's dashboard labelled `agent` by name; one agent's series have no such label), every sync outcome ever recorded as counters and a histogram of durations,
 * and the dashboard's own process, live streams and response times.
 */
import client from 'prom-client';
import { AgentStatusValue, SourceStatus, type SyncTotals } from '$lib/contract';
import { LIVE_ITEMS_QUERY } from '$lib/live-items';
import { agents, isLab, type Agent } from './configured';
import { openStreamCount } from './live/sse-response';

const registry = new client.Registry();
client.collectDefaultMetrics({ register: registry, prefix: 'etiket_dashboard_' });
// Gauges named like counters, which promtool refuses: left out.
for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
	registry.removeSingleMetric(`etiket_dashboard_nodejs_${name}`);

/** The label naming the agent of a series, in a lab's dashboard only. */
const AGENT = isLab ? ['agent'] : [];
const agentLabel = (agent: Agent): Record<string, string> => (isLab ? { agent: agent.name } : {});

const gauge = (name: string, help: string, labelNames: string[] = []) =>
	new client.Gauge({ name, help, labelNames, registers: [registry] });
const counter = (name: string, help: string, labelNames: string[] = []) =>
	new client.Counter({ name, help, labelNames, registers: [registry] });

const agentUp = gauge(
	'etiket_agent_up',
	'Whether the sync API answered this scrape (1) or not (0)',
	AGENT
);
const agentStatus = gauge('etiket_agent_status', 'The agent status: 1 for the current one', [
	...AGENT,
	'status'
]);
const iterations = counter(
	'etiket_agent_iterations_total',
	'Sync cycles the agent completed',
	AGENT
);
const sourceItems = gauge('etiket_source_items', "A source's items, by state", [
	...AGENT,
	'source_id',
	'source',
	'state'
]);
const sourceStatus = gauge('etiket_source_status', "A source's status: 1 for the current one", [
	...AGENT,
	'source_id',
	'source',
	'status'
]);
const unreadErrors = gauge('etiket_errors_unread', 'Errors not marked viewed, by level', [
	...AGENT,
	'level'
]);
const liveItems = gauge('etiket_live_items', 'Datasets being measured and replicated now', AGENT);
const outcomes = counter('etiket_sync_outcomes_total', 'Items synced, failed, or found missing', [
	...AGENT,
	'source_id',
	'outcome'
]);
const files = counter('etiket_sync_files_total', 'Files stored by successful syncs', [
	...AGENT,
	'source_id'
]);
const bytes = counter('etiket_sync_bytes_total', 'Bytes stored by successful syncs', [
	...AGENT,
	'source_id'
]);
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
let durations: { agent: Agent; totals: SyncTotals }[] = [];
const DURATION = 'etiket_sync_duration_seconds';
registry.registerMetric({
	name: DURATION,
	async get() {
		const values = durations.flatMap(({ agent, totals }) => {
			const bounds = [...totals.duration_buckets_seconds.map(String), '+Inf'];
			return totals.totals
				.filter((total) => total.outcome !== 'missing')
				.flatMap((total) => {
					const labels = {
						...agentLabel(agent),
						source_id: String(total.source_id),
						outcome: total.outcome
					};
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

/** Reads one agent's sync API and sets its series; what it keeps no totals of is left out. */
async function readAgent(agent: Agent): Promise<SyncTotals | null> {
	const api = agent.client;
	const labelled = agentLabel(agent);
	try {
		const [status, sources, counts, live, totals] = await Promise.all([
			api.getAgentStatus(),
			api.listSources(),
			api.getErrorCounts(),
			api.searchItems({ ...LIVE_ITEMS_QUERY, limit: 500 }),
			// A sync API that keeps no totals (the Python agent's) still has the rest scraped.
			api.getSyncTotals().catch(() => null)
		]);
		for (const value of AgentStatusValue.options)
			agentStatus.set({ ...labelled, status: value }, value === status.status ? 1 : 0);
		iterations.inc(labelled, status.iterations);
		for (const source of sources) {
			const labels = { ...labelled, source_id: String(source.id), source: source.name };
			for (const [state, value] of [
				['total', source.items_total],
				['synced', source.items_synced],
				['failed', source.items_failed],
				['missing', source.items_missing],
				['unmapped', source.items_unmapped_scope_count]
			] as const)
				sourceItems.set({ ...labels, state }, value);
			for (const value of SourceStatus.options)
				sourceStatus.set({ ...labels, status: value }, value === source.status ? 1 : 0);
		}
		unreadErrors.set({ ...labelled, level: 'agent' }, counts.agent.unread);
		unreadErrors.set(
			{ ...labelled, level: 'source' },
			counts.sources.reduce((sum, source) => sum + source.unread, 0)
		);
		liveItems.set(labelled, live.items.length);
		for (const total of totals?.totals ?? []) {
			const labels = { ...labelled, source_id: String(total.source_id) };
			outcomes.inc({ ...labels, outcome: total.outcome }, total.count);
			if (total.outcome !== 'synced') continue;
			files.inc(labels, total.files);
			bytes.inc(labels, total.bytes);
		}
		agentUp.set(labelled, 1);
		return totals;
	} catch (error) {
		const name = agent.name ? ` of ${agent.name}` : '';
		console.error(`Metrics: the sync API${name} did not answer: ${(error as Error).message}`);
		agentUp.set(labelled, 0);
		return null;
	}
}

/** Reads every agent's sync API at once and sets every agent series from them. */
async function readAgents(): Promise<void> {
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
	const totals = await Promise.all(agents.map(readAgent));
	durations = agents.flatMap((agent, i) => {
		const kept = totals[i];
		return kept ? [{ agent, totals: kept }] : [];
	});
}

/** The exposition text of one scrape, and its content type. */
export async function scrape(): Promise<{ body: string; contentType: string }> {
	await readAgents();
	return { body: await registry.metrics(), contentType: registry.contentType };
}

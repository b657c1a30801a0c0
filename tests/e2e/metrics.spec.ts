/**
 * `/metrics` as Prometheus users take it: checked by Debian's promtool, scraped by a real
 * Prometheus server and queried back, and refused to the LAN unless a scraper is configured.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { UNCONVERTIBLE_INFO, freePort, stopProcess, tempDir } from '../helpers';
import { expect, test } from './fixtures';
import { folderbaseSource, settled } from './seed';

test('passes promtool, and a real Prometheus scrapes the per-source series', async ({ stack }) => {
	const { source } = await folderbaseSource(stack, 'Scraped', {
		'P/a': { 'a.txt': 'aaaa' },
		'P/b': { 'b.txt': 'bb' },
		'P/bad': { 'x.raw': '', _info: UNCONVERTIBLE_INFO }
	});
	await settled(stack, source.id, 3);
	const response = await fetch(`${stack.dashboardUrl}/metrics`);
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
	const text = await response.text();
	const id = `source_id="${source.id}"`;
	expect(text).toContain(`etiket_agent_up 1`);
	expect(text).toContain(`etiket_source_items{${id},source="Scraped",state="synced"} 2`);
	expect(text).toContain(`etiket_sync_outcomes_total{${id},outcome="synced"} 2`);
	expect(text).toContain(`etiket_sync_outcomes_total{${id},outcome="failed"} 1`);
	expect(text).toContain(`etiket_sync_bytes_total{${id}} 6`);
	expect(text).toContain(`etiket_sync_duration_seconds_bucket{${id},outcome="synced",le="+Inf"} 2`);
	expect(text).toContain(`etiket_sync_duration_seconds_count{${id},outcome="synced"} 2`);

	const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
	expect(`${check.stdout}${check.stderr}`).toBe('');
	expect(check.status).toBe(0);

	const dir = tempDir('qh-prometheus-');
	const config = path.join(dir, 'prometheus.yml');
	const target = new URL(stack.dashboardUrl).host;
	fs.writeFileSync(
		config,
		`global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: etiket\n    static_configs:\n      - targets: ['${target}']\n`
	);
	const port = await freePort();
	const prometheus = spawn(
		'prometheus',
		[
			`--config.file=${config}`,
			`--storage.tsdb.path=${path.join(dir, 'data')}`,
			`--web.listen-address=127.0.0.1:${port}`
		],
		{ stdio: 'ignore' }
	);
	try {
		const query = encodeURIComponent(`etiket_source_items{job="etiket",state="synced"}`);
		await expect
			.poll(
				async () => {
					const answer = await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${query}`).catch(
						() => null
					);
					if (!answer?.ok) return null;
					const { data } = (await answer.json()) as {
						data: { result: { metric: Record<string, string>; value: [number, string] }[] };
					};
					return data.result.map(({ metric, value }) => [metric.source, value[1]]);
				},
				{ timeout: 30_000 }
			)
			.toEqual([['Scraped', '2']]);
	} finally {
		await stopProcess(prometheus);
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test.describe('against a sync API that keeps no totals', () => {
	test.use({ stackOptions: { faultProxy: true } });

	test('the rest is still scraped, and the agent is up', async ({ stack }) => {
		const { source } = await folderbaseSource(stack, 'Plain', { 'P/a': { 'a.txt': 'a' } });
		await settled(stack, source.id, 1);
		stack.upstream!.without = /^\/api\/v1\/history\/totals/;
		const text = await (await fetch(`${stack.dashboardUrl}/metrics`)).text();
		expect(stack.upstream!.requests.map((r) => r.path)).toContain('/api/v1/history/totals');
		expect(text).toContain('etiket_agent_up 1');
		expect(text).toContain(
			`etiket_source_items{source_id="${source.id}",source="Plain",state="synced"} 1`
		);
		expect(text).not.toMatch(/^etiket_sync_outcomes_total\{/m);
	});
});

test.describe('behind a proxy that names the client', () => {
	test.use({
		stackOptions: {
			agent: false,
			dashboardEnv: {
				ADDRESS_HEADER: 'x-forwarded-for',
				DASHBOARD_METRICS_SCRAPERS: '10.1.2.0/24, 192.168.7.7'
			}
		}
	});

	test('a LAN viewer gets 403; this computer and the configured scrapers get the metrics', async ({
		stack
	}) => {
		const from = (client: string) =>
			fetch(`${stack.dashboardUrl}/metrics`, { headers: { 'x-forwarded-for': client } }).then(
				(response) => response.status
			);
		expect(await from('192.168.7.8')).toBe(403);
		expect(await from('10.1.3.1')).toBe(403);
		expect(await from('127.0.0.1')).toBe(200);
		expect(await from('10.1.2.200')).toBe(200);
		expect(await from('192.168.7.7')).toBe(200);
	});
});

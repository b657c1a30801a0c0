/**
 * A lab's dashboard: several sync agents, each its own process and data, on one overview; every
 * page of an agent at its own bookmarkable address; an agent that stops answering never holds
 * up the others.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { expectAccessible } from './a11y';
import { expect, test as base } from './fixtures';
import { startLab, type LabAgent, type LabOptions, type LabStack } from './lab-stack';
import { api, folderbaseSource, settled } from './seed';

const test = base.extend<{ lab: LabStack; labOptions: LabOptions }>({
	// fridge-1 through a proxy: it can be made a sync API without the overview (the Python agent's).
	labOptions: [
		{ names: ['fridge-1', 'fridge-2', 'probe-3'], faultProxy: 'fridge-1' },
		{ option: true }
	],
	lab: async ({ labOptions }, use) => {
		const lab = await startLab(labOptions);
		await use(lab);
		await lab.close();
	},
	baseURL: async ({ lab }, use) => use(lab.dashboardUrl)
});

test('the lab overview shows every agent, the stopped one as unreachable; a failure is two clicks away', async ({
	page,
	lab,
	browser
}) => {
	const [fridge1, fridge2, probe3] = lab.agents as [LabAgent, LabAgent, LabAgent];
	lab.upstream!.without = /^\/api\/v1\/agent\/overview/;
	const one = await folderbaseSource(fridge1, 'Fridge one', {
		'P/run-a': { 'a.txt': 'a' },
		'P/run-b': { 'b.txt': 'b' }
	});
	const two = await folderbaseSource(fridge2, 'Fridge two', {
		'P/run-c': { 'c.txt': 'c' },
		'P/bad-run': { 'x.raw': '', _info: UNCONVERTIBLE_INFO }
	});
	await Promise.all([settled(fridge1, one.source.id, 2), settled(fridge2, two.source.id, 2)]);

	await page.goto('/');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Lab');
	const agents = page.getByRole('table', { name: /^Sync agents/ });
	// The one with a failure first.
	await expect(agents.getByRole('rowheader')).toHaveText(['fridge-2', 'fridge-1', 'probe-3']);

	await expectAccessible(page);

	// The open page follows the lab: an agent switched off shows so without a reload.
	await probe3.stop();
	await expect(agents.getByRole('rowheader')).toHaveText(['probe-3', 'fridge-2', 'fridge-1']);
	await expect(agents.getByRole('row', { name: /probe-3/ })).toContainText(/Unreachable since/);
	// Read in the five calls the overview sums up, the same row.
	const fridge1Row = agents.getByRole('row', { name: /fridge-1/ });
	await expect(fridge1Row).toContainText('running');
	await expect(fridge1Row.getByRole('link', { name: '1 source' })).toBeVisible();
	await expect(
		fridge1Row.getByRole('img', { name: 'Last 24 hours: 2 synced, 0 failed' })
	).toBeVisible();
	expect(lab.upstream!.requests.map((request) => request.path)).toContain('/api/v1/sources');
	await expect(
		agents
			.getByRole('row', { name: /fridge-2/ })
			.getByRole('img', { name: 'Last 24 hours: 1 synced, 1 failed' })
	).toBeVisible();
	// Prometheus sees the same, one series per agent.
	const metrics = await (await page.request.get('/metrics')).text();
	expect(metrics).toContain('etiket_agent_up{agent="probe-3"} 0');
	expect(metrics).toContain('etiket_agent_up{agent="fridge-2"} 1');
	expect(metrics).toMatch(
		/etiket_source_items\{agent="fridge-2",source_id="\d+",source="Fridge two",state="failed"\} 1/
	);

	// Overview → the agent's failing items → the item.
	await agents
		.getByRole('row', { name: /fridge-2/ })
		.getByRole('link', { name: '1 failed' })
		.click();
	await expect(page).toHaveURL(/\/agents\/fridge-2\/items\?status=not-synced$/);
	await page.getByRole('link', { name: 'P/bad-run' }).click();
	await expect(page).toHaveURL(/\/agents\/fridge-2\/sources\/\d+\/items\/\d+$/);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('P/bad-run');
	const trail = page.getByRole('navigation', { name: 'Breadcrumbs' });
	await expect(trail.getByRole('link', { name: 'fridge-2' })).toHaveAttribute(
		'href',
		'/agents/fridge-2'
	);
	await expect(page.getByRole('navigation', { name: 'Main' })).toContainText('Agent fridge-2');

	// The address alone, in a fresh browser, is the same page.
	const fresh = await browser.newContext({ baseURL: lab.dashboardUrl });
	const again = await fresh.newPage();
	await again.goto(page.url());
	await expect(again.getByRole('heading', { level: 1 })).toHaveText('P/bad-run');
	await expect(again.getByRole('navigation', { name: 'Breadcrumbs' })).toContainText('Fridge two');
	await fresh.close();

	// Another agent's same page, by the switcher, and back: each page shows its own agent's data.
	await page.goto('/agents/fridge-1/sources');
	await expect(page.getByRole('link', { name: 'Fridge one' })).toBeVisible();
	await page.getByText('Agent fridge-1').click();
	await page.getByRole('link', { name: 'fridge-2', exact: true }).last().click();
	await expect(page).toHaveURL(/\/agents\/fridge-2\/sources$/);
	await expect(page.getByRole('link', { name: 'Fridge two' })).toBeVisible();
	await expect(page.getByRole('link', { name: 'Fridge one' })).toHaveCount(0);
	await page.goBack();
	await expect(page).toHaveURL(/\/agents\/fridge-1\/sources$/);
	await expect(page.getByRole('link', { name: 'Fridge one' })).toBeVisible();

	// One search over the lab: each agent's matches under its name.
	await page.goto('/items?q=run');
	for (const [name, runs] of [
		['fridge-1', ['P/run-a', 'P/run-b']],
		['fridge-2', ['P/bad-run', 'P/run-c']]
	] as const) {
		const region = page.getByRole('region', { name });
		await expect
			.poll(async () => (await region.getByRole('rowheader').allTextContents()).sort())
			.toEqual(runs);
	}
	await expect(page.getByRole('region', { name: 'probe-3' })).toContainText('Not searched');
	await page
		.getByRole('region', { name: 'fridge-1' })
		.getByRole('link', { name: 'P/run-a' })
		.click();
	await expect(page).toHaveURL(/\/agents\/fridge-1\/sources\/\d+\/items\/\d+$/);
});

test.describe('acting on one agent', () => {
	test.use({
		labOptions: {
			names: ['fridge-1', 'fridge-2', 'probe-3'],
			stopped: ['fridge-1', 'fridge-2', 'probe-3']
		}
	});

	for (const javaScriptEnabled of [true, false]) {
		test(`changes only that agent, and the audit trail names it (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async ({
			browser,
			lab
		}) => {
			const context = await browser.newContext({ baseURL: lab.dashboardUrl, javaScriptEnabled });
			const page = await context.newPage();
			// From the lab overview, by the agent switcher.
			await page.goto('/');
			await page.getByText('Choose an agent').click();
			await page.getByRole('link', { name: 'probe-3' }).last().click();
			await expect(page).toHaveURL(/\/agents\/probe-3$/);
			await page.getByRole('button', { name: 'Start agent' }).click();
			await expect(page.getByRole('button', { name: 'Stop agent' })).toBeVisible();
			const services = await Promise.all(
				lab.agents.map(
					async (agent) =>
						(await api<{ agent_service: string }>(agent, 'GET', '/agent/status')).agent_service
				)
			);
			expect(services).toEqual(['stopped', 'stopped', 'running']);

			await page.goto('/audit');
			const entry = page.getByRole('row').filter({ hasText: 'startAgent' });
			await expect(entry).toContainText('probe-3');
			await expect(entry).toContainText('/agents/probe-3 ?/startAgent');
			await context.close();
		});
	}
});

test.describe('with a token', () => {
	const token = 'e2e-lab-token-5f0c2a9d7b1e4c3a8d6f0b2e9c7a1d3f';
	test.use({ labOptions: { names: ['fridge-1', 'fridge-2'], stopped: ['fridge-2'], token } });

	test('the dashboard reaches each agent, and the token shows nowhere', async ({ page, lab }) => {
		const [fridge1] = lab.agents;
		const { source } = await folderbaseSource(fridge1!, 'Tokened', { 'P/run': { 'a.txt': 'a' } });
		await settled(fridge1!, source.id, 1);
		// Without the token the agent answers nobody.
		expect((await fetch(`${fridge1!.syncApiUrl}/api/v1/sources`)).status).toBe(401);

		const seen: string[] = [];
		const pages = [
			'/',
			'/items?q=run',
			'/agents/fridge-1',
			`/agents/fridge-1/sources/${source.id}`,
			'/agents/fridge-1/backends/etiket_sync_agent_folderbase',
			'/agents/fridge-1/logs/api',
			'/agents/fridge-2/agent'
		];
		for (const address of pages) {
			await page.goto(address);
			await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
			seen.push(await page.content());
			const data = await page.request.get(
				`${address.split('?')[0]!.replace(/\/$/, '')}/__data.json`
			);
			expect(data.status(), address).toBe(200);
			seen.push(await data.text());
		}
		await expect(page.getByText('Unreachable')).toHaveCount(0);
		// The copy-paste example names the variable, not its value.
		await page.goto('/agents/fridge-1/backends/etiket_sync_agent_folderbase');
		await expect(page.getByText('authorization: Bearer $SYNC_API_TOKEN')).toBeVisible();

		// An action, so that the audit trail has a record.
		await page.goto('/agents/fridge-1');
		await page.getByRole('button', { name: 'Stop agent' }).click();
		await expect(page.getByRole('button', { name: 'Start agent' })).toBeVisible();
		await page.goto('/audit');
		await expect(page.getByRole('row').filter({ hasText: 'stopAgent' })).toContainText('fridge-1');
		seen.push(await page.content());

		for (const text of seen) expect(text).not.toContain(token);
		expect(lab.dashboardOutput()).not.toContain(token);
		// Every file the lab wrote (logs, audit trail, databases) but the file that configures it.
		const written = fs
			.readdirSync(lab.root, { recursive: true, withFileTypes: true })
			.filter((entry) => entry.isFile() && entry.name !== 'agents.json')
			.map((entry) => path.join(entry.parentPath, entry.name));
		expect(written.some((file) => file.endsWith('audit.log'))).toBe(true);
		for (const file of written) expect(fs.readFileSync(file).includes(token), file).toBe(false);
	});
});

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import type { Item, Source } from '../../src/lib/contract';
import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import { api, folderbaseSource, settled } from './seed';
import type { Stack } from './stack';

const BROKEN = 'ProjectB/broken';

/** "Lab PC": three good datasets and one whose `_info` is not YAML, all dealt with. */
async function labSource(stack: Stack) {
	const { source } = await folderbaseSource(stack, 'Lab PC', {
		'ProjectA/run-alpha': { 'data.txt': 'alpha' },
		'ProjectA/run-beta': { 'data.txt': 'beta', 'notes.md': '# beta' },
		'ProjectB/sweep-gamma': { 'data.txt': 'gamma' },
		[BROKEN]: { _info: 'dataset_name: [unclosed\n', 'data.txt': 'broken' }
	});
	await settled(stack, source.id, 4);
	const { items } = await api<{ items: Item[] }>(stack, 'GET', `/sources/${source.id}/items`);
	const byIdentifier = new Map(items.map((item) => [item.data_identifier, item]));
	return { source, item: (identifier: string) => byIdentifier.get(identifier)! };
}

function shot(page: Page, name: string) {
	return screenshot(page, name, test.info());
}

/** The data identifiers the page's item table lists, in order. */
function listed(page: Page) {
	return page.getByRole('table').getByRole('rowheader').allTextContents();
}

test('search by substring narrows the list, and the URL holds the search', async ({
	page,
	stack
}) => {
	const { source } = await labSource(stack);
	await page.goto(`/sources/${source.id}/items`);
	await expect(page).toHaveTitle('Items of Lab PC · eTiKeT Sync');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Items of Lab PC');
	await expect(
		page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Lab PC' })
	).toHaveAttribute('href', `/sources/${source.id}`);
	expect((await listed(page)).sort()).toEqual([
		'ProjectA/run-alpha',
		'ProjectA/run-beta',
		BROKEN,
		'ProjectB/sweep-gamma'
	]);

	await page.getByLabel('Data identifier contains').fill('run-');
	await page.getByLabel('Sort by').selectOption({ label: 'Data identifier A–Z' });
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/[?&]q=run-(&|$)/);
	await expect(page).toHaveURL(/[?&]sort=data_identifier(&|$)/);
	await expect.poll(() => listed(page)).toEqual(['ProjectA/run-alpha', 'ProjectA/run-beta']);
	await expect(page).toHaveTitle('Items of Lab PC (matching “run-”) · eTiKeT Sync');
	// The form keeps its values from the URL.
	await expect(page.getByLabel('Data identifier contains')).toHaveValue('run-');
	await expect(page.getByLabel('Sort by')).toHaveValue('data_identifier');

	await page.getByLabel('Data identifier contains').fill('nothing like it');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(
		page.getByText('No items match this search (matching “nothing like it”).')
	).toBeVisible();
	await expect(page.getByRole('table')).toHaveCount(0);
});

test('the failing-items view, loaded by URL, lists the failed item; its page shows the error and the stack trace', async ({
	page,
	stack
}) => {
	const { source, item } = await labSource(stack);
	const broken = item(BROKEN);
	// A link of the time before the missing status says it the older way.
	await page.goto(`/sources/${source.id}/items?synchronized=false`);
	await expect(page).toHaveTitle('Items of Lab PC (not synced) · eTiKeT Sync');
	await expect(page.getByLabel('Status')).toHaveValue('not-synced');
	expect(await listed(page)).toEqual([BROKEN]);
	const row = page.getByRole('row', { name: new RegExp(BROKEN) });
	await expect(row.getByText('failed', { exact: true })).toBeVisible();
	await expect(row.getByText(broken.error!.slice(0, 30))).toBeVisible();
	await expectAccessible(page);
	await shot(page, 'items-failing');

	await row.getByRole('link', { name: BROKEN }).click();
	await expect(page).toHaveURL(`/sources/${source.id}/items/${broken.id}`);
	await expect(page).toHaveTitle(`${BROKEN} · Lab PC · eTiKeT Sync`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(BROKEN);
	await expect(page.getByRole('definition').filter({ hasText: broken.error! })).toBeVisible();
	await expect(page.getByText(broken.dataset_uuid)).toBeVisible();

	// The task with the error is open; the stack trace is folded until asked for.
	const record = page.getByRole('region', { name: 'Sync record' });
	await expect(record.getByText(`Sync ${BROKEN}`)).toBeVisible();
	const trace = record.locator('pre').first();
	await expect(trace).toBeHidden();
	await record.getByText('Stack trace', { exact: true }).first().click();
	await expect(trace).toBeVisible();
	await expect(trace).toContainText('at ');
	await expectAccessible(page);
	await shot(page, 'item-failed');
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a dataset whose folder is gone is missing: counted on its source, found by the Missing filter', async ({
		page,
		stack
	}) => {
		const { source, root } = await folderbaseSource(stack, 'Lab PC', {
			'ProjectA/run-alpha': { 'data.txt': 'alpha' },
			'ProjectA/run-beta': { 'data.txt': 'beta' }
		});
		await settled(stack, source.id, 2);
		fs.rmSync(path.join(root, 'ProjectA/run-alpha'), { recursive: true });
		await expect
			.poll(async () => (await api<Source>(stack, 'GET', `/sources/${source.id}`)).items_missing, {
				timeout: 45_000
			})
			.toBe(1);

		await page.goto(`/sources/${source.id}`);
		await expect(page.getByText('2/2 synced, 0 failed, 1 missing')).toBeVisible();
		await page.getByRole('link', { name: '1 missing' }).click();
		await expect(page).toHaveURL(`/sources/${source.id}/items?status=missing`);
		expect(await listed(page)).toEqual(['ProjectA/run-alpha']);

		await page.getByLabel('Status').selectOption({ label: 'All items' });
		await page.getByRole('button', { name: 'Search' }).click();
		expect((await listed(page)).sort()).toEqual(['ProjectA/run-alpha', 'ProjectA/run-beta']);
		await page.getByLabel('Status').selectOption({ label: 'Missing' });
		await page.getByRole('button', { name: 'Search' }).click();
		await expect(page).toHaveTitle('Items of Lab PC (missing) · eTiKeT Sync');
		expect(await listed(page)).toEqual(['ProjectA/run-alpha']);
		const row = page.getByRole('row', { name: /run-alpha/ });
		await expect(row.getByText('missing', { exact: true })).toBeVisible();
	});
});

test('a synced item shows its files; prioritize from its page says so', async ({ page, stack }) => {
	const { source, item } = await labSource(stack);
	const beta = item('ProjectA/run-beta');
	await page.goto(`/sources/${source.id}/items/${beta.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('ProjectA/run-beta');
	const files = page.getByRole('region', { name: 'Files', exact: true }).getByRole('table');
	await expect(files.getByRole('rowheader')).toHaveText(['data.txt', 'notes.md']);
	await expect(files.getByRole('row', { name: /data\.txt/ })).toContainText('4 bytes');
	await expect(files.getByRole('row', { name: /data\.txt/ })).toContainText(
		'987bcab01b929eb2c07877b224215c92'
	);

	await page.getByRole('button', { name: 'Prioritize' }).click();
	await expect(page.getByRole('status')).toHaveText(`Item ${beta.id} prioritized`);
	await expect
		.poll(
			async () => (await api<Item>(stack, 'GET', `/sources/${source.id}/items/${beta.id}`)).priority
		)
		.toBe(1);
	await expectAccessible(page);
	await shot(page, 'item-synced');
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('reset and prioritize from the list keep the filters in the URL', async ({
			page,
			stack
		}) => {
			const { source, item } = await labSource(stack);
			const broken = item(BROKEN);
			await page.goto(`/sources/${source.id}/items?q=broken&status=not-synced`);
			await page.getByRole('button', { name: `Reset ${BROKEN}` }).click();
			await expect(page.getByRole('status')).toHaveText(`Item ${broken.id} reset`);
			await expect(page).toHaveURL(/[?&]q=broken(&|$)/);
			await expect(page).toHaveURL(/[?&]status=not-synced(&|$)/);
			await expect(page.getByLabel('Data identifier contains')).toHaveValue('broken');
			await expect(page.getByLabel('Status')).toHaveValue('not-synced');

			await page.getByRole('button', { name: `Prioritize ${BROKEN}` }).click();
			await expect(page.getByRole('status')).toHaveText(`Item ${broken.id} prioritized`);
			await expect(page).toHaveURL(/[?&]q=broken(&|$)/);
			const row = page.getByRole('row', { name: new RegExp(BROKEN) });
			await expect(row.getByRole('cell').nth(2)).toHaveText('1');
		});

		test('reset from the item page, and a report needs a message', async ({ page, stack }) => {
			const { source, item } = await labSource(stack);
			const broken = item(BROKEN);
			await page.goto(`/sources/${source.id}/items/${broken.id}`);
			await page.getByRole('button', { name: 'Reset' }).click();
			await expect(page.getByRole('status')).toHaveText(`Item ${broken.id} reset`);

			const message = page.getByLabel('Report a problem with this item to qHarbor support');
			await message.fill('   ');
			await page.getByRole('button', { name: 'Send report' }).click();
			await expect(page.getByText('Describe the problem')).toBeVisible();
			await expect(page.getByRole('alert')).toHaveText('The report was not sent');
			await expect(message).toHaveAttribute('aria-invalid', 'true');
			await expect(message).toHaveAccessibleDescription(/Describe the problem/);
			await expect(message).toHaveValue('   ');

			await message.fill('This file always fails to upload');
			await page.getByRole('button', { name: 'Send report' }).click();
			await expect(page.getByRole('status')).toHaveText(/^Report \d+ stored in the outbox/);
			await expect(page.getByText('Describe the problem')).toHaveCount(0);
		});
	});
}

test('/items searches across sources, with a source column', async ({ page, stack }) => {
	const lab = await folderbaseSource(stack, 'Lab PC', {
		'A/sweep-1': { 'x.txt': '1' },
		'A/other': { 'x.txt': '2' }
	});
	const cryo = await folderbaseSource(stack, 'Cryostat', {
		'B/sweep-2': { 'y.txt': '3' },
		'B/calibration': { 'y.txt': '4' }
	});
	await settled(stack, lab.source.id, 2);
	await settled(stack, cryo.source.id, 2);

	await page.goto('/items');
	await expect(page).toHaveTitle('Items · eTiKeT Sync');
	expect(await listed(page)).toHaveLength(4);

	await page.getByLabel('Data identifier contains').fill('sweep');
	await page.getByRole('button', { name: 'Search' }).click();
	await expect(page).toHaveURL(/\/items\?q=sweep(&|$)/);
	await expect.poll(async () => (await listed(page)).sort()).toEqual(['A/sweep-1', 'B/sweep-2']);
	await expect(page).toHaveTitle('Items (matching “sweep”) · eTiKeT Sync');
	const cryoRow = page.getByRole('row', { name: /B\/sweep-2/ });
	await expect(cryoRow.getByRole('link', { name: 'Cryostat' })).toHaveAttribute(
		'href',
		`/sources/${cryo.source.id}/items`
	);
	await expect(cryoRow.getByRole('link', { name: 'B/sweep-2' })).toHaveAttribute(
		'href',
		new RegExp(`^/sources/${cryo.source.id}/items/\\d+$`)
	);

	const sweep1 = page.getByRole('row', { name: /A\/sweep-1/ });
	await sweep1.getByRole('button', { name: 'Prioritize A/sweep-1' }).click();
	await expect(page.getByRole('status')).toHaveText(/^Item \d+ prioritized$/);
	await expect(page).toHaveURL(/[?&]q=sweep(&|$)/);
	await expectAccessible(page);
	await shot(page, 'items-all');
});

test('paging: "Next page" leads to the rest, no item twice', async ({ page, stack }) => {
	const datasets: Record<string, Record<string, string>> = {};
	for (let n = 1; n <= 60; n += 1) {
		datasets[`Bulk/run-${String(n).padStart(2, '0')}`] = { 'data.txt': String(n) };
	}
	const { source } = await folderbaseSource(stack, 'Bulk PC', datasets);
	await settled(stack, source.id, 60);

	await page.goto(`/sources/${source.id}/items?sort=data_identifier`);
	const first = await listed(page);
	expect(first).toHaveLength(50);
	await expect(page.getByRole('link', { name: 'First page' })).toHaveCount(0);
	await page.getByRole('link', { name: 'Next page' }).click();
	await expect(page).toHaveURL(/[?&]cursor=/);
	await expect(page).toHaveURL(/[?&]sort=data_identifier(&|$)/);
	await expect.poll(async () => (await listed(page)).length).toBe(10);
	const rest = await listed(page);
	expect(new Set([...first, ...rest]).size).toBe(60);
	expect(rest.at(-1)).toBe('Bulk/run-60');
	await expect(page.getByRole('link', { name: 'Next page' })).toHaveCount(0);
	await page.getByRole('link', { name: 'First page' }).click();
	await expect.poll(() => listed(page)).toEqual(first);
});

test('an unknown item or source is a 404 page', async ({ page, stack }) => {
	const { source } = await labSource(stack);
	let response = await page.goto(`/sources/${source.id}/items/9999`);
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not found');
	await expect(page).toHaveTitle('Not found · eTiKeT Sync');

	response = await page.goto('/sources/9999/items');
	expect(response?.status()).toBe(404);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Not found');

	response = await page.goto('/sources/abc/items');
	expect(response?.status()).toBe(404);
});

test('the list and the item page fit a 375 px wide screen', async ({ page, stack }) => {
	const { source, item } = await labSource(stack);
	await page.setViewportSize({ width: 375, height: 800 });
	for (const url of [
		`/sources/${source.id}/items`,
		`/sources/${source.id}/items/${item(BROKEN).id}`
	]) {
		await page.goto(url);
		// Wide tables scroll inside their own box; the page itself does not.
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
			375
		);
	}
	await shot(page, 'item-narrow');
	await page.goto(`/sources/${source.id}/items`);
	await shot(page, 'items-narrow');
});

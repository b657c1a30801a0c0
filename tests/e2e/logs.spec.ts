import type { Page } from '@playwright/test';
import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import { api, folderbaseSource, settled } from './seed';

/** The log entries on the page: where each starts and where the log continues after it. */
async function chain(page: Page) {
	return page
		.locator('ol[aria-label="Log records"] > li[data-start]')
		.evaluateAll((items) =>
			items.map((li) => [li.getAttribute('data-start')!, li.getAttribute('data-end')!])
		);
}

test('a record written to the agent log appears without a reload; a traceback is one entry', async ({
	page,
	stack
}, testInfo) => {
	await page.goto('/logs/sync_agent');
	await expect(page).toHaveTitle('Sync agent log · eTiKeT Sync');
	await expect(page.getByRole('status')).toHaveText('Connection: live', { timeout: 20_000 });
	await folderbaseSource(stack, 'Streamed', {
		'P/good': { 'a.txt': 'a' },
		'P/broken': { _info: 'dataset_name: [unclosed\n' }
	});
	const records = page.getByRole('list', { name: 'Log records' });
	await expect(records.getByText('Scanned "Streamed": 2 datasets, 2 new or changed')).toBeVisible();
	const failure = records.getByRole('listitem').filter({ hasText: 'Failed to sync "P/broken"' });
	await expect(failure).toHaveCount(1);
	await expect(failure).toContainText('at parseDatasetInfo');
	await expect(failure).toContainText('ERROR');
	await expectAccessible(page);
	await screenshot(page, 'logs', testInfo);
});

test('a dropped connection resumes with no gap and no duplicate', async ({ page, stack }) => {
	await page.goto('/logs/sync_agent?level=DEBUG');
	await expect(page.getByRole('status')).toHaveText('Connection: live', { timeout: 20_000 });
	// The agent logs a line every cycle (0.3 s here): records keep arriving while the browser
	// reconnects to a new dashboard process, which resumes from the browser's Last-Event-ID.
	await stack.restartDashboard();
	await expect(page.getByRole('status')).toHaveText('Connection: reconnecting…');
	await expect(page.getByRole('status')).toHaveText('Connection: live', { timeout: 15_000 });
	const before = (await chain(page)).length;
	await expect
		.poll(async () => (await chain(page)).length, { timeout: 10_000 })
		.toBeGreaterThan(before + 3);
	const entries = await chain(page);
	const ends = entries.map(([, end]) => end);
	expect(new Set(ends).size, 'no duplicate').toBe(ends.length);
	for (let i = 1; i < entries.length; i++) {
		expect(entries[i]![0], `entry ${i} starts where entry ${i - 1} ended`).toBe(entries[i - 1]![1]);
	}
});

test('the log shows INFO and up unless asked for DEBUG, live and loaded alike', async ({
	page,
	stack
}) => {
	await page.goto('/logs/sync_agent');
	await expect(page.getByRole('status')).toHaveText('Connection: live', { timeout: 20_000 });
	const records = page.getByRole('list', { name: 'Log records' });
	// The agent ends a cycle every 0.3 s here, a DEBUG line each: while three go by, none shows.
	const iterations = async () =>
		(await api<{ iterations: number }>(stack, 'GET', '/agent/status')).iterations;
	const before = await iterations();
	await expect.poll(iterations).toBeGreaterThan(before + 3);
	await expect(records.getByText(/Cycle of \d+ sources finished/)).toHaveCount(0);
	await expect(records.getByRole('listitem').filter({ hasText: 'DEBUG' })).toHaveCount(0);

	await page.getByLabel('Level', { exact: true }).selectOption({ label: 'Debug and up' });
	await page.getByRole('button', { name: 'Apply' }).click();
	await expect(page).toHaveURL(/[?&]level=DEBUG/);
	await expect(records.getByText(/Cycle of \d+ sources finished/).first()).toBeVisible();
});

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('the log renders, filtered by the URL, and can be downloaded', async ({ page, stack }) => {
		const { source } = await folderbaseSource(stack, 'Filtered log', { 'P/r': { 'a.txt': 'a' } });
		// Synced: the agent has logged about the source by now.
		await settled(stack, source.id, 1);
		await page.goto('/logs/sync_agent?filter=filtered%20log');
		await expect(page.locator('ol[aria-label="Log records"] > li[data-start]')).not.toHaveCount(0);
		for (const text of await page
			.getByRole('list', { name: 'Log records' })
			.getByRole('listitem')
			.allTextContents()) {
			expect(text.toLowerCase()).toContain('filtered log');
		}
		const download = await page.request.get('/logs/sync_agent/download');
		expect(download.headers()['content-disposition']).toContain('sync_agent.log');
		expect(await download.text()).toContain('Sync agent started');
	});
});

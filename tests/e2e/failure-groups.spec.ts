/**
 * Triage by cause: the Errors page lists failed items grouped by what made them fail; a group's
 * items are one bookmarkable search away, and one confirmed action resets exactly them.
 */
import { UNCONVERTIBLE_INFO } from '../helpers';
import { expect, test } from './fixtures';
import { api, folderbaseSource, settled } from './seed';

const BAD_INFO = 'attributes:\n  sample: [1, 2]\n';

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('a group of 16 failed items: opened by its link, bookmarkable, reset as one', async ({
			page,
			stack,
			browser
		}) => {
			const datasets: Record<string, Record<string, string>> = { 'P/fine': { 'a.txt': 'a' } };
			for (let i = 1; i <= 16; i++) datasets[`P/run-${i}`] = { 'a.txt': 'a', _info: BAD_INFO };
			for (let i = 1; i <= 2; i++)
				datasets[`Q/raw-${i}`] = { 'x.raw': '', _info: UNCONVERTIBLE_INFO };
			const { source } = await folderbaseSource(stack, 'Triage', datasets);
			await settled(stack, source.id, 19);
			// Nothing syncs again behind the test's back: what the reset did stays to be seen.
			await api(stack, 'POST', '/agent/stop');

			await page.goto('/errors');
			const causes = page.getByRole('region', { name: 'Failed items, by cause' });
			const group = causes.getByRole('listitem').filter({ hasText: /attributes\.sample/ });
			await expect(group).toContainText('16 items');
			await expect(group).toContainText('<path> is invalid: attributes.sample');
			await expect(causes.getByRole('listitem').filter({ hasText: '2 items' })).toHaveCount(1);

			await group.getByRole('link', { name: 'Show these 16 items' }).click();
			await expect(page).toHaveURL(/\/items\?group=[0-9a-f]{16}$/);
			const rows = page.getByRole('table').getByRole('rowheader');
			await expect(rows).toHaveCount(16);
			await expect(rows.filter({ hasText: 'Q/raw' })).toHaveCount(0);

			const fresh = await browser.newContext({ baseURL: stack.dashboardUrl, javaScriptEnabled });
			const again = await fresh.newPage();
			await again.goto(page.url());
			await expect(again.getByRole('table').getByRole('rowheader')).toHaveCount(16);
			await fresh.close();

			await page.goto('/errors');
			await group.getByRole('link', { name: 'Reset these 16 items' }).click();
			await expect(page.getByRole('alertdialog')).toContainText(
				'Reset the 16 items that failed with'
			);
			await page.getByRole('button', { name: 'Reset 16 items' }).click();
			await expect(page.getByText('Reset 16 items: each will be synced again')).toBeVisible();
			await expect(group).toHaveCount(0);

			const items = await api<{ items: { data_identifier: string; error: string | null }[] }>(
				stack,
				'GET',
				`/sources/${source.id}/items?limit=100`
			);
			const failed = items.items.filter((item) => item.error !== null);
			expect(failed.map((item) => item.data_identifier).sort()).toEqual(['Q/raw-1', 'Q/raw-2']);
		});
	});
}

test('the overview counts failed items among the errors; an inbox with nothing failed says so', async ({
	page,
	stack
}) => {
	await page.goto('/errors');
	await expect(page.getByText('No errors here: nothing failed.')).toBeVisible();
	const { source } = await folderbaseSource(stack, 'Two bad', {
		'P/a': { 'a.txt': 'a', _info: BAD_INFO },
		'P/b': { 'b.txt': 'b', _info: BAD_INFO }
	});
	await settled(stack, source.id, 2);
	await page.goto('/');
	const card = page.getByRole('region', { name: 'Unread errors' });
	await expect(card.getByRole('definition').last()).toHaveText('2');
	await card.getByRole('link', { name: 'Items that failed' }).click();
	await expect(page.getByRole('region', { name: 'Failed items, by cause' })).toContainText(
		'2 items'
	);
});

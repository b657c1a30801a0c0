/**
 * The sync history charts: server-rendered, readable without JavaScript and by screen readers,
 * a failure bar one click from the items that failed, following the agent while open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { folderbaseSource, settled } from './seed';

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('the overview charts what synced and what failed; a failure bar opens those items', async ({
			page,
			stack
		}) => {
			const { source } = await folderbaseSource(stack, 'Charted', {
				'P/ok-1': { 'a.txt': 'aaaa' },
				'P/ok-2': { 'b.txt': 'bb' },
				'P/bad': { 'x.raw': '', _info: UNCONVERTIBLE_INFO }
			});
			await settled(stack, source.id, 3);
			await page.goto('/');
			const history = page.getByRole('region', { name: 'Sync history' });
			await expect(
				history.getByRole('group', { name: /^Datasets synced per hour/ })
			).toHaveAccessibleName('Datasets synced per hour (2 in all)');
			await expect(
				history.getByRole('group', { name: /^Data synced per hour/ })
			).toHaveAccessibleName('Data synced per hour (6 bytes in all)');
			// The data as a table for screen readers: 24 hours, one row each.
			const table = history.getByRole('table', { name: /^Failures per hour/ });
			await expect(table.getByRole('row')).toHaveCount(25);

			await history.getByRole('link', { name: /: 1, show these items$/ }).click();
			await expect(page).toHaveURL(/\/items\?failed_since=.+&failed_until=/);
			await expect(page.getByRole('heading', { level: 1 })).toHaveText('Items');
			await expect(page.getByRole('table').getByRole('rowheader')).toHaveText(['P/bad']);

			await page.goto('/');
			await history.getByRole('link', { name: '30 days' }).click();
			await expect(page).toHaveURL(/[?&]history=30d/);
			await expect(history.getByRole('link', { name: '30 days' })).toHaveAttribute(
				'aria-current',
				'page'
			);
			await expect(
				history.getByRole('group', { name: /^Datasets synced per day/ })
			).toHaveAccessibleName('Datasets synced per day (2 in all)');
			if (javaScriptEnabled) await expectAccessible(page);

			// Without JavaScript a form's answer is at an address that names its action
			// (`?history=30d&/stopAgent`): the range links leave the action out.
			await page.getByRole('button', { name: 'Stop agent' }).click();
			await expect(page.getByRole('button', { name: 'Start agent' })).toBeVisible();
			await expect(history.getByRole('link', { name: '7 days' })).toHaveAttribute(
				'href',
				'/?history=7d'
			);
		});
	});
}

test('the charts follow the agent while open, and the agent page charts its cycles', async ({
	page,
	stack
}) => {
	const { source, root } = await folderbaseSource(stack, 'Growing', {
		'P/first': { 'a.txt': 'a' }
	});
	await settled(stack, source.id, 1);
	await page.goto(`/sources/${source.id}`);
	const synced = page
		.getByRole('region', { name: 'Sync history' })
		.getByRole('group', { name: /^Datasets synced per hour/ });
	await expect(synced).toHaveAccessibleName('Datasets synced per hour (1 in all)');
	// A marker that a reload would wipe.
	await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
	const next = path.join(root, 'P', 'second');
	fs.mkdirSync(next, { recursive: true });
	fs.writeFileSync(path.join(next, '_QH_dataset_info.yaml'), '');
	fs.writeFileSync(path.join(next, 'b.txt'), 'b');
	await expect(synced).toHaveAccessibleName('Datasets synced per hour (2 in all)', {
		timeout: 30_000
	});
	expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);

	await page.goto('/agent');
	const cycles = page.getByRole('region', { name: 'Cycles' });
	await expect(
		cycles.getByRole('group', { name: /^Cycles per hour \(\d+ in all\)$/ })
	).toBeVisible();
	await expect(
		cycles.getByRole('group', { name: /^Cycle duration, mean per hour \(highest/ })
	).toBeVisible();
});

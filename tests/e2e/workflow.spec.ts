import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import { api, defaultScope, folderbaseSource, quantifyFolder, settled } from './seed';

test('the debugging workflow: from the overview to a failing item’s stack trace, and a retry', async ({
	page,
	stack
}, testInfo) => {
	const { source } = await folderbaseSource(stack, 'Lab PC', {
		'Project/good': { 'a.txt': 'a' },
		'Project/broken': { _info: 'dataset_name: [unclosed\n', 'b.txt': 'b' }
	});
	await settled(stack, source.id, 2);

	// 1. The agent is running; 2. no agent errors.
	await page.goto('/');
	const agent = page.getByRole('region', { name: 'Sync agent' });
	await expect(agent.getByLabel('Agent status')).toHaveText('running');
	await expectAccessible(page);
	await screenshot(page, 'overview', testInfo);
	// 3. The source and its failed items.
	await page.getByRole('link', { name: 'failed items' }).click();
	await expect(page).toHaveURL(`/sources/${source.id}/items?status=not-synced`);
	// 5. Which item failed; 6. what went wrong.
	await page.getByRole('link', { name: 'Project/broken' }).click();
	await expect(page.getByText(/is not valid YAML/).first()).toBeVisible();
	const trace = page.getByText('Stack trace');
	await trace.click();
	await expect(page.getByText(/parseDatasetInfo/)).toBeVisible();

	// Fix the dataset, then retry it from the page.
	await page.getByRole('button', { name: 'Reset' }).first().click();
	await expect(page.getByRole('status')).toContainText('reset');
});

test('a newcomer creates a Quantify source from the catalog example and watches it sync', async ({
	page,
	stack
}) => {
	test.setTimeout(120_000);
	const folder = quantifyFolder();
	await page.goto('/backends/etiket_sync_agent_quantify');
	await page.getByRole('link', { name: 'Create a source with this backend' }).click();
	await expect(page).toHaveURL('/sources/new?backend=etiket_sync_agent_quantify');
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Quantify fridge 1');
	await page.getByRole('textbox', { name: 'quantify_directory' }).fill(folder);
	await page.getByRole('textbox', { name: 'set_up' }).fill('fridge_1');
	await page.getByLabel('Default scope').selectOption({ label: 'Default scope' });
	await page.getByRole('button', { name: 'Create source' }).click();
	await expect(page).toHaveURL(/\/sources\/\d+$/);
	// Loading the HDF5 reader and reading four files takes seconds, tens on a loaded machine.
	await expect
		.poll(
			async () => {
				await page.reload();
				return page.getByText('4/4 synced, 0 failed').isVisible();
			},
			{ timeout: 60_000 }
		)
		.toBe(true);
	expect(await defaultScope(stack)).toBeTruthy();
	const [created] = await api<{ id: number; items_synced: number }[]>(stack, 'GET', '/sources');
	expect(created?.items_synced).toBe(4);
});

import { expect, test } from './fixtures';
import { folderbaseSource } from './seed';

test('the overview follows the agent live: iterations rise and a new source’s counter moves, without a reload', async ({
	page,
	stack
}) => {
	await page.goto('/');
	// A marker that a reload would wipe.
	await page.evaluate(() => ((window as unknown as { marker: boolean }).marker = true));
	const iterations = page.getByRole('region', { name: 'Sync agent' }).getByLabel('Iterations');
	const first = Number(await iterations.textContent());
	await expect.poll(async () => Number(await iterations.textContent())).toBeGreaterThan(first);

	const datasets = Object.fromEntries(
		Array.from({ length: 12 }, (_, i) => [`P/run${i}`, { 'data.txt': String(i) }])
	);
	await folderbaseSource(stack, 'Arriving', datasets);
	await expect(page.getByRole('link', { name: 'Arriving' })).toBeVisible();
	await expect(page.getByText('12/12 synced, 0 failed')).toBeVisible({ timeout: 45_000 });
	expect(await page.evaluate(() => (window as unknown as { marker?: boolean }).marker)).toBe(true);
});

test('a source page follows its status live', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Watched', { 'P/r': { 'x.txt': 'x' } });
	await page.goto(`/sources/${source.id}`);
	await expect(page.getByRole('heading', { level: 1 })).toContainText('syncing');
	await fetch(`${stack.syncApiUrl}/api/v1/sources/${source.id}/stop`, { method: 'POST' });
	await expect(page.getByRole('heading', { level: 1 })).toContainText('stopped');
	await expect(page.getByRole('button', { name: 'Start source' })).toBeVisible();
});

import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import { api, folderbaseSource } from './seed';

/** A source whose folder vanished: it goes to `error` with one source error. */
async function brokenSource(stack: Parameters<typeof folderbaseSource>[0], name: string) {
	const { source, root } = await folderbaseSource(stack, name, { 'A/r': { 'x.txt': 'x' } });
	fs.rmSync(root, { recursive: true });
	await expect
		.poll(
			async () => (await api<{ status: string }>(stack, 'GET', `/sources/${source.id}`)).status,
			{ timeout: 45_000 }
		)
		.toBe('error');
	return source;
}

test('a source error, from the overview to the inbox and back to read', async ({ page, stack }) => {
	const source = await brokenSource(stack, 'Vanished');
	await page.goto('/');
	await page.getByRole('link', { name: '1 unread error' }).click();
	await expect(page).toHaveURL(`/sources/${source.id}/errors?viewed=false`);
	await expect(page).toHaveTitle('Unread errors · Vanished · eTiKeT Sync');
	await expect(page.getByText('FileNotFoundError')).toBeVisible();
	await expect(page.getByText(/does not exist or is not a folder/)).toBeVisible();
	await expectAccessible(page);

	await page.getByRole('button', { name: /Mark as read/ }).click();
	await expect(page.getByRole('status')).toHaveText(/marked as read/);
	await expect(page.getByText('No errors here.')).toBeVisible();

	await page.goto('/errors?viewed=true');
	await expect(page.getByRole('link', { name: 'Vanished' })).toBeVisible();
	await page.getByRole('button', { name: /Mark as unread/ }).click();
	await expect(page.getByRole('status')).toHaveText(/marked as unread/);
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('mark all viewed asks first, naming the count', async ({ page, stack }) => {
			await brokenSource(stack, 'One');
			await brokenSource(stack, 'Two');
			await page.goto('/errors?viewed=false');
			await page.getByRole('link', { name: 'Mark all as read' }).click();
			await expect(page.getByRole('alertdialog')).toContainText('Mark 2 unread errors as read?');
			await page.getByRole('button', { name: 'Mark 2 as read' }).click();
			await expect(page.getByRole('status')).toHaveText('Marked 2 errors as read');
			await expect(page).toHaveURL(/viewed=false/);
			const counts = await api<{ sources: { unread: number }[] }>(stack, 'GET', '/errors/counts');
			expect(counts.sources.map((c) => c.unread)).toEqual([0, 0]);
		});
	});
}

test.describe('agent errors', () => {
	const blocked = path.join(tempDir('qh-e2e-blocked-'), 'not-a-folder');
	fs.writeFileSync(blocked, '');
	test.use({ stackEnv: { QH_STORE_DIR: path.join(blocked, 'store') } });

	test('an unwritable store shows no connection and an agent error', async ({ page }, testInfo) => {
		await expect
			.poll(async () => {
				await page.goto('/agent');
				return (await page.getByLabel('Agent status').textContent())?.trim();
			})
			.toBe('no connection');
		await page.getByRole('link', { name: 'Unread agent errors' }).click();
		await expect(page).toHaveTitle('Unread agent errors · eTiKeT Sync');
		await expect(page.getByText('NoConnection')).toBeVisible();
		await expectAccessible(page);
		await screenshot(page, 'agent-errors', testInfo);
		await page.goto('/agent');
		await expectAccessible(page);
		await screenshot(page, 'agent', testInfo);
	});
});

test('the inbox filters by level and source, in the URL', async ({ page, stack }, testInfo) => {
	const source = await brokenSource(stack, 'Filtered');
	await page.goto('/errors');
	await page.getByLabel('Source', { exact: true }).selectOption({ label: 'Filtered' });
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page).toHaveURL(new RegExp(`source=${source.id}`));
	await expect(page.getByText('FileNotFoundError')).toBeVisible();
	await page.getByLabel('Level', { exact: true }).selectOption({ label: 'Agent' });
	await page.getByLabel('Source', { exact: true }).selectOption({ label: 'Any' });
	await page.getByRole('button', { name: 'Filter' }).click();
	await expect(page.getByText('No errors match these filters.')).toBeVisible();
	await page.goto('/errors');
	await expectAccessible(page);
	await screenshot(page, 'errors', testInfo);
});

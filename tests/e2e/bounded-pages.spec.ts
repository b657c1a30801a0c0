/**
 * Pages whose lists grow with the data show one page of them, with links to the next and the
 * previous page that work with JavaScript off: an item's files, a source's unmapped identifiers.
 */
import type { Page } from '@playwright/test';
import type { Item } from '../../src/lib/contract';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { api, datasetFolder, folderbaseSource, settled } from './seed';
import type { Stack } from './stack';

const pad = (n: number) => String(n).padStart(5, '0');

/**
 * One dataset of `failed` raw files, stored but not converted (they ask for a converter this
 * agent does not have), and 30 text files.
 */
async function itemWithManyFiles(stack: Stack, failed: number) {
	const files: Record<string, string> = {
		_info: UNCONVERTIBLE_INFO
	};
	for (let i = 0; i < failed; i++) files[`${pad(i)}.raw`] = '';
	for (let i = 0; i < 30; i++) files[`stored_${pad(i)}.txt`] = `file ${i}\n`;
	const { source } = await folderbaseSource(stack, 'Big run', { 'P/many': files });
	await settled(stack, source.id, 1);
	const { items } = await api<{ items: Item[] }>(stack, 'GET', `/sources/${source.id}/items`);
	return `/sources/${source.id}/items/${items[0]!.id}`;
}

function fileNames(page: Page) {
	return page
		.getByRole('region', { name: 'Files', exact: true })
		.getByRole('table')
		.getByRole('rowheader')
		.allTextContents();
}

test('the page of an item with 20,000 files stays small', async ({ stack }) => {
	// 10,000 stored and as many failed conversions.
	const url = await itemWithManyFiles(stack, 10_000);
	const response = await fetch(`${stack.dashboardUrl}${url}`);
	expect(response.status).toBe(200);
	const html = await response.text();
	// Before paging: 46.7 MB, every file and an error entry with its stack trace for each.
	const bytes = Buffer.byteLength(html);
	expect(bytes, `${bytes} bytes of HTML`).toBeLessThan(300_000);
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test("an item's files: failed ones a click away, paged both ways", async ({ page, stack }) => {
			test.slow(javaScriptEnabled, 'axe takes its time over a table of files');
			const url = await itemWithManyFiles(stack, 130);
			await page.goto(url);
			const files = page.getByRole('region', { name: 'Files', exact: true });
			await expect(files).toContainText('290 files');
			await expect.poll(async () => (await fileNames(page)).length).toBe(100);

			const byStatus = files.getByRole('navigation', { name: 'Files by status' });
			await expect(byStatus.getByRole('link')).toHaveText([
				'All (290)',
				'Errors (130)',
				'Skipped (0)',
				'OK (160)'
			]);
			await byStatus.getByRole('link', { name: 'Errors (130)' }).click();
			await expect(page).toHaveURL(/[?&]file_status=ERROR(&|#|$)/);
			await expect(byStatus.getByRole('link', { name: 'Errors (130)' })).toHaveAttribute(
				'aria-current',
				'page'
			);
			const firstPage = Array.from({ length: 100 }, (_, i) => `${pad(i)}.hdf5`);
			await expect.poll(() => fileNames(page)).toEqual(firstPage);
			await expect(files.getByRole('link', { name: 'Previous page' })).toHaveCount(0);
			await files.getByRole('link', { name: 'Next page' }).click();
			await expect(page).toHaveURL(/[?&]cursor=/);
			await expect
				.poll(() => fileNames(page))
				.toEqual(Array.from({ length: 30 }, (_, i) => `${pad(100 + i)}.hdf5`));
			await expect(files.getByRole('link', { name: 'Next page' })).toHaveCount(0);
			const row = files.getByRole('row', { name: /00100\.hdf5/ });
			await expect(row).toContainText('error');
			await expect(row).toContainText('Converter raw_to_hdf5 is not installed');
			// Checked here, on 30 rows: axe takes half a minute over a page of 100 on this machine.
			if (javaScriptEnabled) await expectAccessible(page);
			await files.getByRole('link', { name: 'Previous page' }).click();
			await expect.poll(() => fileNames(page)).toEqual(firstPage);
			await expect(page).toHaveURL(/[?&]file_status=ERROR(&|#|$)/);
		});
	});
}

test.describe('without JavaScript', () => {
	test.use({ javaScriptEnabled: false });

	test('a source with many unmapped identifiers shows them a page at a time', async ({
		page,
		stack
	}) => {
		const identifiers = Array.from(
			{ length: 120 },
			(_, i) => `Setup_${String(i).padStart(3, '0')}`
		);
		const root = datasetFolder(
			Object.fromEntries(identifiers.map((identifier) => [`${identifier}/run`, { 'x.txt': 'x' }]))
		);
		const source = await api<{ id: number }>(stack, 'POST', '/sources', {
			name: 'Unmapped many',
			backend_identifier: 'etiket_sync_agent_folderbase',
			config_data: { root_directory: root }
		});
		await expect
			.poll(
				async () =>
					(await api<{ items_unmapped_scope_count: number }>(stack, 'GET', `/sources/${source.id}`))
						.items_unmapped_scope_count
			)
			.toBe(120);
		await page.goto(`/sources/${source.id}/mappings`);
		const waiting = page.getByRole('region', { name: 'Waiting for a mapping' });
		await expect(waiting).toContainText('120 identifiers wait for a mapping.');
		const shown = () => waiting.getByRole('listitem').allTextContents();
		const entries = (from: number, to: number) =>
			identifiers.slice(from, to).map((identifier) => `${identifier} (1 item)`);
		const texts = async () =>
			(await shown()).map(
				(text) =>
					text
						.replace(/\s+/g, ' ')
						.trim()
						.match(/^\S+ \(1 item\)/)?.[0]
			);

		await expect.poll(texts).toEqual(entries(0, 50));
		await waiting.getByRole('link', { name: 'Next page' }).click();
		await expect.poll(texts).toEqual(entries(50, 100));
		await waiting.getByRole('link', { name: 'Next page' }).click();
		await expect.poll(texts).toEqual(entries(100, 120));
		await expect(waiting.getByRole('link', { name: 'Next page' })).toHaveCount(0);
		await waiting.getByRole('link', { name: 'Previous page' }).click();
		await expect.poll(texts).toEqual(entries(50, 100));

		// Mapping one keeps the page (the 50 before Setup_100, as Previous read it); the count follows.
		await page.getByLabel('Scope for Setup_060').selectOption({ label: 'Default scope' });
		await page
			.getByRole('listitem')
			.filter({ hasText: 'Setup_060' })
			.getByRole('button', { name: 'Map' })
			.click();
		await expect(page.getByRole('status')).toHaveText('“Setup_060” now maps to Default scope');
		await expect(waiting).toContainText('119 identifiers wait for a mapping.');
		await expect.poll(texts).toEqual([...entries(49, 60), ...entries(61, 100)]);
	});
});

import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import {
	api,
	datasetFolder,
	defaultScope,
	folderbaseSource,
	quantifyFolder,
	settled
} from './seed';

const FOLDERBASE = 'etiket_sync_agent_folderbase';

/** A regular file (a path through it, `<file>/x`, is no folder). */
function fileInFolder(): string {
	return path.join(datasetFolder({ 'A/r': { 'x.txt': 'x' } }), 'A/r/x.txt');
}

/** The source form still holds what was typed, after a refusal. */
async function expectKept(page: Page, typed: { name: string; folder: string; scope: string }) {
	await expect(page.getByRole('textbox', { name: 'Name', exact: true })).toHaveValue(typed.name);
	await expect(page.getByRole('textbox', { name: 'root_directory' })).toHaveValue(typed.folder);
	await expect(page.getByLabel('is_server_folder')).toBeChecked();
	await expect(page.getByLabel('Default scope')).toHaveValue(typed.scope);
}

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('create a folder-base source from the form and watch it sync', async ({ page }) => {
			const root = datasetFolder({
				'Project_A/run1': { 'a.txt': 'a' },
				'Project_A/run2': { 'b.txt': 'b' }
			});
			await page.goto(`/sources/new?backend=${FOLDERBASE}`);
			await expect(page).toHaveTitle('New FolderBase source · eTiKeT Sync');
			await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Lab folders');
			await page.getByRole('textbox', { name: 'root_directory' }).fill(root);
			await page.getByLabel('Default scope').selectOption({ label: 'Default scope' });
			await page.getByRole('button', { name: 'Create source' }).click();

			await expect(page).toHaveURL(/\/sources\/\d+$/);
			await expect(page.getByRole('status')).toContainText('Source “Lab folders” created');
			await expect(page.getByRole('heading', { level: 1 })).toContainText('Lab folders');
			await expect
				.poll(async () => {
					await page.reload();
					return page.getByText('2/2 synced, 0 failed').isVisible();
				})
				.toBe(true);
		});

		test('a refused setting is shown beside its field in the new-source form, with what was typed kept', async ({
			page,
			stack
		}) => {
			await folderbaseSource(stack, 'Taken', { 'A/r': {} });
			const throughFile = `${fileInFolder()}/x`;
			await page.goto(`/sources/new?backend=${FOLDERBASE}`);
			await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Taken');
			await page.getByRole('textbox', { name: 'root_directory' }).fill(throughFile);
			await page.getByLabel('is_server_folder').check();
			await page.getByLabel('Default scope').selectOption({ label: 'Default scope' });
			await page.getByRole('button', { name: 'Create source' }).click();

			await expect(
				page.getByRole('textbox', { name: 'root_directory' })
			).toHaveAccessibleDescription(/is not a folder: a part of the path is a file/);
			await expectKept(page, {
				name: 'Taken',
				folder: throughFile,
				scope: await defaultScope(stack)
			});

			await page.getByRole('textbox', { name: 'root_directory' }).fill(datasetFolder({}));
			await page.getByRole('button', { name: 'Create source' }).click();
			await expect(
				page.getByRole('textbox', { name: 'Name', exact: true })
			).toHaveAccessibleDescription('This name is taken');
		});

		test('a refused setting is shown beside its field in the edit form, with what was typed kept', async ({
			page,
			stack
		}) => {
			const { source } = await folderbaseSource(stack, 'Before', { 'A/r': {} });
			const throughFile = `${fileInFolder()}/x`;
			await page.goto(`/sources/${source.id}/edit`);
			await page.getByRole('textbox', { name: 'Name', exact: true }).fill('After');
			await page.getByRole('textbox', { name: 'root_directory' }).fill(throughFile);
			await page.getByLabel('is_server_folder').check();
			await page.getByRole('button', { name: 'Save' }).click();

			await expect(
				page.getByRole('textbox', { name: 'root_directory' })
			).toHaveAccessibleDescription(/is not a folder: a part of the path is a file/);
			await expectKept(page, { name: 'After', folder: throughFile, scope: source.default_scope! });
			expect(await api(stack, 'GET', `/sources/${source.id}`)).toMatchObject({
				name: 'Before',
				config_data: source.config_data
			});
		});

		test('stop and start a source from the list, keeping the filter', async ({ page, stack }) => {
			const { source } = await folderbaseSource(stack, 'Fridge data', { 'A/r': { 'x.txt': 'x' } });
			await page.goto(`/sources?backend=${FOLDERBASE}`);
			await page.getByRole('button', { name: 'Stop Fridge data' }).click();
			await expect(page.getByRole('status')).toHaveText('Source “Fridge data” stopped');
			await expect(page).toHaveURL(new RegExp(`backend=${FOLDERBASE}`));
			expect((await api<{ status: string }>(stack, 'GET', `/sources/${source.id}`)).status).toBe(
				'stopped'
			);
			await page.getByRole('button', { name: 'Start Fridge data' }).click();
			await expect(page.getByRole('status')).toHaveText('Source “Fridge data” started');
		});

		test('delete a source after confirming, keeping its data files', async ({ page, stack }) => {
			const { source, root } = await folderbaseSource(stack, 'Old data', {
				'A/r': { 'x.txt': 'x' }
			});
			await settled(stack, source.id, 1);
			await page.goto(`/sources/${source.id}`);
			await page.getByRole('link', { name: 'Delete source' }).click();
			await expect(page.getByRole('alertdialog')).toContainText(
				'Delete “Old data” with its 1 items'
			);
			await page.getByRole('alertdialog').getByRole('button', { name: 'Delete source' }).click();
			await expect(page).toHaveURL(/\/sources$/);
			await expect(page.getByRole('status')).toContainText('Source “Old data” deleted');
			await expect(page.getByRole('link', { name: 'Old data' })).toHaveCount(0);
			expect(fs.readFileSync(path.join(root, 'A/r/x.txt'), 'utf8')).toBe('x');
		});
	});
}

test('rename and reconfigure a source', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Before', { 'A/r': {} });
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('link', { name: 'Edit' }).click();
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('After');
	await page.getByLabel('is_server_folder').check();
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page).toHaveURL(`/sources/${source.id}`);
	await expect(page.getByRole('status')).toContainText('Source “After” saved');
	await expect(page).toHaveTitle('After · Sources · eTiKeT Sync');
	const saved = await api<{ name: string; config_data: Record<string, unknown> }>(
		stack,
		'GET',
		`/sources/${source.id}`
	);
	expect(saved).toMatchObject({ name: 'After', config_data: { is_server_folder: true } });
});

test('reset failed items, and all items after confirming', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Mixed', {
		'A/good': { 'x.txt': 'x' },
		'A/bad': { _info: 'dataset_name: [unclosed\n' }
	});
	await settled(stack, source.id, 2);
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('button', { name: 'Reset 1 failed item' }).click();
	await expect(page.getByRole('status')).toHaveText('Reset 1 failed item');
	await page.getByRole('link', { name: 'Reset all items' }).click();
	await expect(page.getByRole('alertdialog')).toContainText('Reset all 2 items?');
	await page.getByRole('button', { name: 'Reset 2 items' }).click();
	await expect(page.getByRole('status')).toHaveText('Reset 2 items: all will be synced again');
});

test('take and release ownership of a Quantify source', async ({ page, stack }) => {
	const scope = (await api<{ uuid: string }[]>(stack, 'GET', '/scopes'))[0]!.uuid;
	const source = await api<{ id: number }>(stack, 'POST', '/sources', {
		name: 'Quantify',
		backend_identifier: 'etiket_sync_agent_quantify',
		config_data: { quantify_directory: quantifyFolder(), set_up: 'fridge_1' },
		default_scope: scope
	});
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('button', { name: 'Take ownership' }).click();
	await expect(page.getByRole('status')).toContainText('You now own “Quantify”');
	await page.getByRole('button', { name: 'Release ownership' }).click();
	await expect(page.getByRole('status')).toHaveText('“Quantify” has no owner now');
});

test('map a scope identifier so its waiting items sync', async ({ page, stack }) => {
	const root = datasetFolder({ 'Other/run': { 'x.txt': 'x' } });
	const source = await api<{ id: number }>(stack, 'POST', '/sources', {
		name: 'Unmapped',
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: root }
	});
	await expect
		.poll(
			async () =>
				(await api<{ items_unmapped_scope_count: number }>(stack, 'GET', `/sources/${source.id}`))
					.items_unmapped_scope_count
		)
		.toBe(1);
	await page.goto(`/sources/${source.id}/mappings`);
	await expect(page.getByText('Other (1 item)')).toBeVisible();
	await page.getByLabel('Scope for Other').selectOption({ label: 'Default scope' });
	await page.getByRole('button', { name: 'Map', exact: true }).click();
	await expect(page.getByRole('status')).toHaveText('“Other” now maps to Default scope');
	await settled(stack, source.id, 1);
	await expectAccessible(page);
});

test('report a problem with a source', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Reported', { 'A/r': {} });
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('button', { name: 'Send report' }).click();
	await expect(
		page.getByLabel('Report a problem with this source to qHarbor support')
	).toHaveAccessibleDescription(/Describe the problem/);
	await page
		.getByLabel('Report a problem with this source to qHarbor support')
		.fill('Permission denied on the share');
	await page.getByRole('button', { name: 'Send report' }).click();
	await expect(page.getByRole('status')).toContainText('stored in the outbox');
});

test('the source pages are accessible, at 375 px too', async ({ page, stack }, testInfo) => {
	const { source } = await folderbaseSource(stack, 'Looks', { 'A/r': { 'x.txt': 'x' } });
	for (const [name, url] of [
		['sources', '/sources'],
		['source-new', `/sources/new?backend=${FOLDERBASE}`],
		['source', `/sources/${source.id}`],
		['source-edit', `/sources/${source.id}/edit`],
		['source-mappings', `/sources/${source.id}/mappings`]
	] as const) {
		await page.setViewportSize({ width: 1200, height: 900 });
		await page.goto(url);
		await expectAccessible(page);
		await screenshot(page, name, testInfo);
		await page.setViewportSize({ width: 375, height: 800 });
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(width, `${url} at 375 px`).toBeLessThanOrEqual(375);
	}
});

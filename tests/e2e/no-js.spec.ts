/**
 * Every form action once more with JavaScript off: the dashboard must work as plain HTML
 * forms (the JavaScript versions run in the other specs).
 */
import fs from 'node:fs';
import { expect, test } from './fixtures';
import {
	api,
	datasetFolder,
	defaultScope,
	folderbaseSource,
	quantifyFolder,
	settled
} from './seed';

test.use({ javaScriptEnabled: false });

test('source actions: edit, reset failed and all, report', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Plain', {
		'A/good': { 'x.txt': 'x' },
		'A/bad': { _info: 'dataset_name: [unclosed\n' }
	});
	await settled(stack, source.id, 2);
	await page.goto(`/sources/${source.id}/edit`);
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Plain HTML');
	await page.getByRole('button', { name: 'Save' }).click();
	await expect(page.getByRole('status')).toContainText('Source “Plain HTML” saved');

	await page.getByRole('button', { name: 'Reset 1 failed item' }).click();
	await expect(page.getByRole('status')).toHaveText('Reset 1 failed item');
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('link', { name: 'Reset all items' }).click();
	await page.getByRole('button', { name: 'Reset 2 items' }).click();
	await expect(page.getByRole('status')).toHaveText('Reset 2 items: all will be synced again');

	await page.goto(`/sources/${source.id}`);
	await page
		.getByLabel('Report a problem with this source to qHarbor support')
		.fill('Share is read-only');
	await page.getByRole('button', { name: 'Send report' }).click();
	await expect(page.getByRole('status')).toContainText('stored in the outbox');
});

test('ownership and the agent report', async ({ page, stack }) => {
	const source = await api<{ id: number }>(stack, 'POST', '/sources', {
		name: 'Owned',
		backend_identifier: 'etiket_sync_agent_quantify',
		config_data: { quantify_directory: quantifyFolder(), set_up: 'fridge_1' },
		default_scope: await defaultScope(stack)
	});
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('button', { name: 'Take ownership' }).click();
	await expect(page.getByRole('status')).toContainText('You now own “Owned”');
	await page.getByRole('button', { name: 'Release ownership' }).click();
	await expect(page.getByRole('status')).toHaveText('“Owned” has no owner now');

	await page.goto('/agent');
	await page
		.getByLabel('Report a problem with the agent to qHarbor support')
		.fill('Agent restarts every hour');
	await page.getByRole('button', { name: 'Send report' }).click();
	await expect(page.getByRole('status')).toContainText('stored in the outbox');
});

test('scope mappings: map, change, auto-assign, delete', async ({ page, stack }) => {
	const root = datasetFolder({
		'Other/run': { 'x.txt': 'x' },
		'default scope/run': { 'y.txt': 'y' }
	});
	const source = await api<{ id: number }>(stack, 'POST', '/sources', {
		name: 'Mapped',
		backend_identifier: 'etiket_sync_agent_folderbase',
		config_data: { root_directory: root }
	});
	await expect
		.poll(
			async () =>
				(await api<{ items_unmapped_scope_count: number }>(stack, 'GET', `/sources/${source.id}`))
					.items_unmapped_scope_count
		)
		.toBe(2);
	await page.goto(`/sources/${source.id}/mappings`);
	await page.getByRole('button', { name: 'Map matching names now' }).click();
	await expect(page.getByRole('status')).toHaveText('Created 1 mapping from matching scope names');

	await page.getByLabel('Scope for Other').selectOption({ label: 'Default scope' });
	await page.getByRole('button', { name: 'Map', exact: true }).click();
	await expect(page.getByRole('status')).toHaveText('“Other” now maps to Default scope');

	await page.getByLabel('Scope for Other').selectOption({ label: 'Default scope' });
	await page.getByRole('button', { name: 'Change' }).first().click();
	await expect(page.getByRole('status')).toContainText('now maps to Default scope');

	await page.getByRole('button', { name: 'Delete mapping of Other' }).click();
	await expect(page.getByRole('status')).toHaveText(
		'Mapping of “Other” deleted: its items wait for a new one'
	);
	const mappings = await api<{ scope_identifier: string }[]>(
		stack,
		'GET',
		`/sources/${source.id}/scope-mappings`
	);
	expect(mappings.map((m) => m.scope_identifier)).toEqual(['default scope']);
});

test('a source error is marked read and unread', async ({ page, stack }) => {
	const { source, root } = await folderbaseSource(stack, 'Gone', { 'A/r': {} });
	fs.rmSync(root, { recursive: true });
	await expect
		.poll(
			async () => (await api<{ status: string }>(stack, 'GET', `/sources/${source.id}`)).status,
			{ timeout: 45_000 }
		)
		.toBe('error');
	await page.goto(`/sources/${source.id}/errors?viewed=false`);
	await page.getByRole('button', { name: /Mark as read/ }).click();
	await expect(page.getByRole('status')).toHaveText(/marked as read/);
	await page.goto(`/sources/${source.id}/errors?viewed=true`);
	await page.getByRole('button', { name: /Mark as unread/ }).click();
	await expect(page.getByRole('status')).toHaveText(/marked as unread/);
	await page.goto(`/sources/${source.id}`);
	await page.getByRole('button', { name: 'Start source' }).click();
	await expect(page.getByRole('status')).toHaveText('Source “Gone” started');
});

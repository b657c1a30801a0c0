/**
 * Someone may type before the page's JavaScript has run (a slow lab PC, a busy network).
 * Hydration must keep what they typed: these tests hold the scripts back, type, then let
 * them run.
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { folderbaseSource } from './seed';

/** Opens `path` with its scripts held back; `hydrate()` lets them run and waits for the app. */
async function openBeforeScripts(page: Page, path: string) {
	const held: (() => void)[] = [];
	let release = false;
	await page.route('**/_app/immutable/**/*.js', async (route) => {
		if (!release) await new Promise<void>((resolve) => held.push(resolve));
		await route.continue();
	});
	await page.goto(path, { waitUntil: 'domcontentloaded' });
	return async function hydrate() {
		release = true;
		held.forEach((resolve) => resolve());
		// SvelteKit's route announcer is only rendered once the app has mounted.
		await page.locator('#svelte-announcer').waitFor({ state: 'attached' });
	};
}

test('a report typed before the page’s JavaScript ran is kept and sent', async ({ page }) => {
	const hydrate = await openBeforeScripts(page, '/agent');
	const message = page.getByLabel('Report a problem with the agent to qHarbor support');
	await message.fill('Typed before hydration');
	await hydrate();
	await expect(message).toHaveValue('Typed before hydration');
	await page.getByRole('button', { name: 'Send report' }).click();
	await expect(page.getByRole('status')).toContainText('stored in the outbox');
});

test('a search typed before the page’s JavaScript ran is kept', async ({ page }) => {
	const hydrate = await openBeforeScripts(page, '/items');
	const search = page.getByLabel('Data identifier contains');
	await search.fill('run_7');
	await hydrate();
	await expect(search).toHaveValue('run_7');
});

test('a box ticked before the page’s JavaScript ran stays ticked', async ({ page, stack }) => {
	const { source } = await folderbaseSource(stack, 'Ticked', { 'A/r': {} });
	const hydrate = await openBeforeScripts(page, `/sources/${source.id}/edit`);
	const box = page.getByLabel('is_server_folder');
	await box.check();
	await hydrate();
	await expect(box).toBeChecked();
});

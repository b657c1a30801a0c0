import { expect, test } from './fixtures';

async function agentStatus(syncApiUrl: string) {
	return (await (await fetch(`${syncApiUrl}/api/v1/agent/status`)).json()) as {
		agent_service: string;
		iterations: number;
	};
}

test('the overview shows the live agent status, iterations rising', async ({ page }) => {
	await page.goto('/');
	await expect(page).toHaveTitle('Overview · eTiKeT Sync');
	const card = page.getByRole('region', { name: 'Sync agent' });
	await expect(card.getByLabel('Agent service')).toHaveText('running');
	await expect(card.getByLabel('API service')).toHaveText('running');
	await expect(card.getByLabel('Agent status')).toHaveText('running');
	const first = Number(await card.getByLabel('Iterations').textContent());
	await expect
		.poll(async () => {
			await page.reload();
			return Number(await card.getByLabel('Iterations').textContent());
		})
		.toBeGreaterThan(first);
	await expect(card.getByLabel('Last update').getByRole('time')).toBeVisible();
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('stop and start the agent from the overview', async ({ page, stack }) => {
			await page.goto('/');
			const card = page.getByRole('region', { name: 'Sync agent' });

			await card.getByRole('button', { name: 'Stop agent' }).click();
			await expect(page.getByRole('status')).toHaveText('Agent stopped');
			await expect(card.getByLabel('Agent status')).toHaveText('stopped');
			expect((await agentStatus(stack.syncApiUrl)).agent_service).toBe('stopped');

			await card.getByRole('button', { name: 'Start agent' }).click();
			await expect(page.getByRole('status')).toHaveText('Agent started');
			await expect(card.getByLabel('Agent status')).toHaveText('running');
			expect((await agentStatus(stack.syncApiUrl)).agent_service).toBe('running');
		});
	});
}

test.describe('a page that is not live (no JavaScript)', () => {
	test.use({ javaScriptEnabled: false });

	test('an action that no longer applies says so plainly', async ({ page, stack }) => {
		await page.goto('/');
		// Someone else stops the agent after this page was rendered; without JavaScript it stays as it was.
		await fetch(`${stack.syncApiUrl}/api/v1/agent/stop`, { method: 'POST' });
		await page.getByRole('button', { name: 'Stop agent' }).click();
		await expect(page.getByRole('alert')).toHaveText('The agent is already stopped');
	});
});

test('an unreachable sync API gives a 503 page with a retry link, and no stack trace', async ({
	page,
	stack
}) => {
	await page.goto('/');
	await stack.killSyncApi();
	const response = await page.goto('/');
	expect(response?.status()).toBe(503);
	await expect(page).toHaveTitle('Sync API unreachable · eTiKeT Sync');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sync API unreachable');
	await expect(page.getByText(`The sync API at ${stack.syncApiUrl} is unreachable`)).toBeVisible();
	await expect(page.getByRole('link', { name: 'Retry' })).toHaveAttribute('href', '/');
	const text = await page.locator('body').innerText();
	expect(text).not.toMatch(/\n\s+at |node_modules|TypeError|fetch failed/);
});

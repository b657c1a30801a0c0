/**
 * A Core-Tools source in the browser, against a real PostgreSQL server: a measurement of a
 * project no mapping resolves waits, and syncs once mapped on the mappings page; its item page
 * previews its data; with JavaScript and without.
 */
import { CoretoolsWriter } from '../coretools-database';
import { startPostgresCluster } from '../postgres-cluster';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { api, settled } from './seed';

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('a measurement of an unmapped project waits, and syncs once its project is mapped on the mappings page', async ({
			page,
			stack
		}) => {
			const cluster = await startPostgresCluster();
			try {
				await cluster.createDatabase('lab');
				const client = await cluster.connect('lab');
				try {
					const writer = new CoretoolsWriter(client);
					await writer.createSchema();
					await writer.measurement({
						name: 'Mixing chamber',
						project: 'Cryo',
						start: 1_700_000_000,
						keywords: ['T_mc'],
						axes: [{ name: 't', label: 'Time', unit: 's', values: [0, 1, 2] }],
						measured: [{ name: 'T_mc', label: 'Temperature', unit: 'K', value: ([i]) => 0.01 * i! }]
					});
				} finally {
					await client.end();
				}
				const source = await api<{ id: number }>(stack, 'POST', '/sources', {
					name: 'Core Tools',
					backend_identifier: 'etiket_sync_agent_coretools',
					config_data: {
						host: cluster.host,
						port: cluster.port,
						dbname: 'lab',
						user: cluster.user,
						password: cluster.password
					}
				});
				await page.goto(`/sources/${source.id}/mappings`);
				await expect
					.poll(async () => {
						await page.reload();
						return page.getByText('Cryo (1 item)').isVisible();
					})
					.toBe(true);
				await page.getByLabel('Scope for Cryo').selectOption({ label: 'Default scope' });
				await page.getByRole('button', { name: 'Map', exact: true }).click();
				await expect(page.getByRole('status')).toHaveText('“Cryo” now maps to Default scope');
				await settled(stack, source.id, 1);

				const { items } = await api<{ items: { id: number }[] }>(
					stack,
					'GET',
					`/sources/${source.id}/items`
				);
				await page.goto(`/sources/${source.id}/items/${items[0]!.id}`);
				const dataset = page.getByRole('region', { name: 'Dataset' });
				await expect(dataset.getByText('Mixing chamber')).toBeVisible();
				await expect(
					dataset.getByRole('region', { name: 'Parameters' }).getByRole('row')
				).toHaveText([
					/Name\s*Long name\s*Units\s*Dimensions/,
					/t\s*Time\s*s\s*t: 3/,
					/T_mc\s*Temperature\s*K\s*t: 3/
				]);
				await expect(
					page
						.getByRole('region', { name: /^Preview/ })
						.getByRole('img', { name: 'Temperature (K) against Time (s), 3 points' })
				).toBeVisible();
				// axe runs in the page: only with JavaScript.
				if (javaScriptEnabled) await expectAccessible(page);
			} finally {
				await cluster.remove();
			}
		});
	});
}

import path from 'node:path';
import { tempDir } from '../helpers';
import { QcodesWriter } from '../qcodes-database';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { api } from './seed';

test('a lab creates a QCoDeS source with the form and reads a run’s parameters on its item page', async ({
	page,
	stack
}) => {
	test.setTimeout(120_000);
	const writer = new QcodesWriter(path.join(tempDir('qh-e2e-qcodes-'), 'experiments.db'));
	const experiment = writer.experiment('cooldown_7', 'device_B');
	writer.run({
		experiment,
		name: 'IV sweep',
		params: [
			{ name: 'gate', label: 'Gate voltage', unit: 'V' },
			{ name: 'current', label: 'Current', unit: 'A', dependsOn: ['gate'] }
		],
		rows: [0, 1, 2].map((v) => ({ gate: v, current: v / 10 }))
	});
	writer.close();

	await page.goto('/sources/new?backend=etiket_sync_agent_qcodes');
	await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Fridge 7 QCoDeS');
	await page.getByRole('textbox', { name: 'database_path' }).fill(writer.file);
	await page.getByRole('textbox', { name: 'set_up' }).fill('fridge_7');
	await page.getByLabel('Default scope').selectOption({ label: 'Default scope' });
	await page.getByRole('button', { name: 'Create source' }).click();
	await expect(page).toHaveURL(/\/sources\/\d+$/);
	const sourceId = Number(new URL(page.url()).pathname.split('/').pop());
	await expect
		.poll(
			async () => {
				await page.reload();
				return page.getByText('1/1 synced, 0 failed').isVisible();
			},
			{ timeout: 60_000 }
		)
		.toBe(true);

	const { items } = await api<{ items: { id: number }[] }>(
		stack,
		'GET',
		`/sources/${sourceId}/items`
	);
	await page.goto(`/sources/${sourceId}/items/${items[0]!.id}`);
	const dataset = page.getByRole('region', { name: 'Dataset' });
	await expect(dataset.getByText('IV sweep')).toBeVisible();
	await expect(dataset.getByRole('list', { name: 'Tags' }).getByRole('listitem')).toHaveText([
		'Gate voltage',
		'Current'
	]);
	const parameters = dataset.getByRole('region', { name: 'Parameters' }).getByRole('row');
	await expect(parameters).toHaveText([
		/Name\s*Long name\s*Units\s*Dimensions/,
		/gate\s*Gate voltage\s*V\s*gate: 3/,
		/current\s*Current\s*A\s*gate: 3/
	]);
	await expectAccessible(page);
});

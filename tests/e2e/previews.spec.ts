/**
 * The preview on an item's page, drawn on the server: a line for 1-D data, a heat map for a
 * grid, from what each backend stores (Quantify's own files, HDF5 and netCDF-3, the QCoDeS and Labber exports, a
 * converted folder-base table), and another variable chosen in the URL, with JavaScript on
 * and off. Core-Tools' preview is checked where it has a PostgreSQL (coretools.spec.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { writeLabberLog } from '../labber-log';
import { QcodesWriter } from '../qcodes-database';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { api, defaultScope, folderbaseSource, quantifyFolder, settled } from './seed';
import type { Page } from '@playwright/test';
import type { Stack } from './stack';

async function source(stack: Stack, backend: string, config: Record<string, unknown>) {
	return api<{ id: number }>(stack, 'POST', '/sources', {
		name: backend,
		backend_identifier: `etiket_sync_agent_${backend}`,
		config_data: config,
		default_scope: await defaultScope(stack)
	});
}

/** Opens the page of the source's item whose identifier matches. */
async function openItem(page: Page, stack: Stack, sourceId: number, match: RegExp) {
	const { items } = await api<{ items: { id: number; data_identifier: string }[] }>(
		stack,
		'GET',
		`/sources/${sourceId}/items`
	);
	const item = items.find((candidate) => match.test(candidate.data_identifier))!;
	await page.goto(`/sources/${sourceId}/items/${item.id}`);
	return page.getByRole('region', { name: /^Preview/ });
}

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('every backend’s synced data has a preview; another variable is chosen in the URL', async ({
			page,
			stack
		}) => {
			test.setTimeout(120_000);
			const quantify = await source(stack, 'quantify', {
				quantify_directory: quantifyFolder(),
				set_up: 'fridge'
			});
			const qcodesFile = path.join(tempDir('qh-e2e-preview-'), 'experiments.db');
			const qcodesDb = new QcodesWriter(qcodesFile);
			qcodesDb.run({
				name: 'charge stability',
				params: [
					{ name: 'vL', unit: 'V' },
					{ name: 'vR', unit: 'V' },
					{ name: 'I', label: 'Current', unit: 'A', dependsOn: ['vL', 'vR'] }
				],
				rows: [0, 1, 2].flatMap((l) => [0, 1, 2, 3].map((r) => ({ vL: l, vR: r, I: l * r })))
			});
			qcodesDb.close();
			const qcodes = await source(stack, 'qcodes', { database_path: qcodesFile, set_up: 'fridge' });
			const labberRoot = tempDir('qh-e2e-labber-');
			fs.mkdirSync(path.join(labberRoot, '2024/03/Data_0315'), { recursive: true });
			await writeLabberLog(path.join(labberRoot, '2024/03/Data_0315/IV.hdf5'), {
				logName: 'IV',
				creationTime: 1710500000,
				steps: [{ name: 'Gate - Voltage', unit: 'V', values: [0, 0.5, 1] }],
				channels: [{ name: 'DMM - Current', unit: 'A', value: ([i]) => i! * 2 }]
			});
			const labber = await source(stack, 'labber', {
				labber_directory: labberRoot,
				set_up: 'fridge'
			});
			const { source: tables } = await folderbaseSource(stack, 'Tables', {
				'P/run': {
					_info: 'converters:\n  csv_to_hdf5_converter: {module: m, class: C}\n',
					'iv.csv': 'V(V),I(A)\n0,0\n1,2\n2,4\n'
				}
			});
			await Promise.all([
				settled(stack, quantify.id, 4),
				settled(stack, qcodes.id, 1),
				settled(stack, labber.id, 1),
				settled(stack, tables.id, 1)
			]);

			// Quantify: a line, and its second variable by the URL's choice.
			let preview = await openItem(page, stack, quantify.id, /Pulsed spectroscopy/);
			await expect(preview.getByRole('img', { name: /against/ })).toBeVisible();
			await preview.getByRole('combobox', { name: 'Variable' }).selectOption('y1');
			await preview.getByRole('button', { name: 'Show' }).click();
			await expect(page).toHaveURL(/[?&]variable=y1$/);
			await expect(
				page.getByRole('region', { name: /^Preview/ }).getByRole('img', { name: /against/ })
			).toHaveAccessibleName(/^.*against .*, \d+ points$/);
			await expect(page.getByRole('combobox', { name: 'Variable' })).toHaveValue('y1');
			if (javaScriptEnabled) {
				await expectAccessible(page);
				await page.getByRole('region', { name: /^Preview/ }).screenshot({
					path: test.info().outputPath('preview-line.png')
				});
			}

			// Quantify's early datasets are netCDF-3 files.
			preview = await openItem(page, stack, quantify.id, /Cosine test/);
			await expect(preview.getByRole('img', { name: /against .*, 50 points$/ })).toBeVisible();

			// A QCoDeS grid: a heat map of the current over both voltages.
			preview = await openItem(page, stack, qcodes.id, /^1$/);
			await expect(
				preview.getByRole('img', { name: 'Current (A) over vR (V) and vL (V), 12 points' })
			).toBeVisible();
			if (javaScriptEnabled) {
				await preview.screenshot({ path: test.info().outputPath('preview-heatmap.png') });
			}

			// Labber, and a converted table.
			preview = await openItem(page, stack, labber.id, /IV/);
			await expect(
				preview.getByRole('img', { name: 'DMM - Current (A) against Gate - Voltage (V), 3 points' })
			).toBeVisible();
			preview = await openItem(page, stack, tables.id, /run/);
			await expect(preview.getByRole('img', { name: /against .*, 3 points$/ })).toBeVisible();
		});
	});
}

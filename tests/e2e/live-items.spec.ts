/**
 * A Quantify measurement in progress, seen in the browser: the live badge and how much is
 * measured move on the overview, the source's items and the item page, without a reload.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers';
import { writeQuantifyDataset } from '../quantify-live-writer';
import { expectAccessible } from './a11y';
import { expect, test } from './fixtures';
import { api, defaultScope } from './seed';

/**
 * The dataset's points; the writer measures all but the last ten, one every 100 ms: it is still
 * measuring when the test has seen what it looks for, however loaded the machine.
 */
const POINTS = 1000;

test('a measurement in progress shows live, its measured share moving without a reload', async ({
	page,
	stack
}) => {
	test.setTimeout(90_000);
	const root = tempDir('qh-e2e-quantify-live-');
	const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
	const folder = path.join(root, day, `${day}-120000-000-abcdef-live sweep`);
	fs.mkdirSync(folder, { recursive: true });
	const file = path.join(folder, 'dataset.hdf5');
	await writeQuantifyDataset(file, POINTS, 0);
	const source = await api<{ id: number }>(stack, 'POST', '/sources', {
		name: 'Fridge 2 Quantify',
		backend_identifier: 'etiket_sync_agent_quantify',
		config_data: { quantify_directory: root, set_up: 'fridge_2' },
		default_scope: await defaultScope(stack)
	});
	await expect
		.poll(async () => {
			const { items } = await api<{ items: { live: boolean }[] }>(
				stack,
				'GET',
				`/sources/${source.id}/items`
			);
			return items[0]?.live;
		})
		.toBe(true);

	const writer = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'tests/quantify-live-writer.ts',
			file,
			String(POINTS),
			'100',
			String(POINTS - 10)
		],
		{ stdio: 'ignore' }
	);
	const exited = once(writer, 'exit');
	try {
		/** The share measured, as the page says it now. */
		const measured = async (scope: ReturnType<typeof page.getByRole>) =>
			Number(/([\d.]+)% measured/.exec((await scope.textContent()) ?? '')?.[1] ?? -1);

		await page.goto('/');
		const live = page.getByRole('region', { name: 'Being measured' });
		await expect(live.getByRole('link', { name: /live sweep$/ })).toBeVisible();
		const first = await measured(live);
		await expect.poll(() => measured(live), { timeout: 20_000 }).toBeGreaterThan(first);
		await expectAccessible(page);

		await page.goto(`/sources/${source.id}/items`);
		const row = page.getByRole('row', { name: /live sweep/ });
		await expect(row.getByText('live', { exact: true })).toBeVisible();
		const before = await measured(row);
		await expect.poll(() => measured(row), { timeout: 20_000 }).toBeGreaterThan(before);

		await row.getByRole('link', { name: /live sweep$/ }).click();
		const share = page.getByRole('img', { name: /% measured$/ });
		await expect(share).toBeVisible();
		// The preview follows the data as it arrives.
		const plot = page.getByRole('region', { name: /^Preview/ }).getByRole('img');
		// Its title (the accessible name) counts the points measured so far.
		const measuredPoints = async () =>
			Number(/(\d+) of \d+ points measured/.exec((await plot.textContent()) ?? '')?.[1] ?? -1);
		await expect.poll(measuredPoints, { timeout: 20_000 }).toBeGreaterThan(0);
		const early = await measuredPoints();
		await expect.poll(measuredPoints, { timeout: 20_000 }).toBeGreaterThan(early);
		// Quantify measures the last points: complete, the live badge and its share leave without
		// a reload.
		writer.kill();
		await exited;
		await writeQuantifyDataset(file, POINTS, POINTS);
		await expect(share).toHaveCount(0, { timeout: 30_000 });
		await expect(plot).toHaveAccessibleName(
			`Current (A) against Gate voltage (V), ${POINTS} points`
		);
	} finally {
		writer.kill();
	}
});

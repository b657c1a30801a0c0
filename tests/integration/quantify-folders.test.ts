/**
 * Quantify's dataset folders as quantify-core itself finds them: a TUID, then the name after a
 * dash, a space or an underscore; folders of auxiliary files only; misnamed measurements said,
 * never passed over; messages that name the user's files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeQuantifyDataset } from '../quantify-live-writer';
import { manifestOf, tempDir } from './datasets';
import { sourceAgent } from './harness';

const LONG_AGO = new Date('2021-04-01T00:00:00Z');

/** A complete measurement's folder, left alone long ago (not live), with its data file. */
async function measurement(root: string, day: string, folder: string) {
	const dir = path.join(root, day, folder);
	fs.mkdirSync(dir, { recursive: true });
	const file = path.join(dir, 'dataset.hdf5');
	await writeQuantifyDataset(file, 5, 5);
	fs.utimesSync(file, LONG_AGO, LONG_AGO);
	return dir;
}

async function quantifySource(root: string) {
	const agent = await sourceAgent('etiket_sync_agent_quantify');
	const source = await agent.start({ quantify_directory: root, set_up: 'fridge_1' }, 'Quantify');
	const manifest = async (identifier: string) =>
		manifestOf(
			agent.settings.storeDir,
			agent.scope,
			(await agent.items(source.id)).get(identifier)!.dataset_uuid
		);
	return { ...agent, source, manifest };
}

describe('Quantify dataset folders', () => {
	it('are found by their TUID whatever separates the name, and named by what follows', async () => {
		const root = tempDir('qh-quantify-');
		await measurement(root, '20210331', '20210331-133734-718-aa9c83 AllXY q0');
		await measurement(root, '20210331', '20210331-140000-000-bbbbbb_Rabi_q1');
		await measurement(root, '20210331', '20210331-150000-000-cccccc-T1 decay');
		await measurement(root, '20210331', '20210331-160000-000-dddddd');
		const { source, untilSource, manifest } = await quantifySource(root);
		await untilSource(source.id, { items_total: 4, items_synced: 4 });

		const allxy = await manifest('20210331/20210331-133734-718-aa9c83 AllXY q0');
		expect(allxy).toMatchObject({ name: 'AllXY q0', alt_uid: '20210331-133734-718-aa9c83' });
		expect(new Date(allxy.collected).getTime()).toBe(
			new Date(2021, 2, 31, 13, 37, 34, 718).getTime()
		);
		expect((await manifest('20210331/20210331-140000-000-bbbbbb_Rabi_q1')).name).toBe('Rabi_q1');
		expect((await manifest('20210331/20210331-150000-000-cccccc-T1 decay')).name).toBe('T1 decay');
		// Nothing after the TUID: named by it.
		expect((await manifest('20210331/20210331-160000-000-dddddd')).name).toBe(
			'20210331-160000-000-dddddd'
		);
	});

	it('without a data file sync with the files they have, said to have none', async () => {
		const root = tempDir('qh-quantify-');
		const dir = path.join(root, '20210331', '20210331-170000-000-eeeeee-analysis only');
		fs.mkdirSync(path.join(dir, 'analysis_T1Analysis'), { recursive: true });
		fs.writeFileSync(path.join(dir, 'snapshot.json'), '{"instruments": {}}');
		fs.writeFileSync(path.join(dir, 'analysis_T1Analysis', 'quantities_of_interest.json'), '{}');
		await measurement(root, '20210331', '20210331-120000-000-ffffff-with data');
		const { source, untilSource, manifest, items, client } = await quantifySource(root);
		await untilSource(source.id, { items_total: 2, items_synced: 2, items_failed: 0 });

		const auxiliary = await manifest('20210331/20210331-170000-000-eeeeee-analysis only');
		expect(auxiliary).toMatchObject({ name: 'analysis only', data_file: null });
		expect(auxiliary.files.map((file) => file.name)).toEqual([
			'analysis_T1Analysis/quantities_of_interest.json',
			'snapshot.json'
		]);
		const item = (await items(source.id)).get('20210331/20210331-170000-000-eeeeee-analysis only')!;
		const detail = await client.getItem({ id: source.id, item_id: item.id });
		expect(detail.sync_record.logs.map((log) => log.message).join('\n')).toContain(
			`No dataset.hdf5 in ${dir}: synced with its other files only`
		);
		expect((await manifest('20210331/20210331-120000-000-ffffff-with data')).data_file).toBe(
			'dataset.hdf5'
		);
	});

	it('that look like a TUID but are not one are warnings naming them, once', async () => {
		const root = tempDir('qh-quantify-');
		const invalid = {
			'20211331/20211331-120000-000-abcdef-month 13': 'month 13 is not a month',
			'20210331/20210331-250000-000-abcdef-hour 25': 'hour 25 is not an hour',
			'20210331/20210331-120000-000-zzzzzz-not hex':
				'20210331-120000-000-zzzzzz does not end in six hexadecimal characters',
			'20210230/20210230-120000-000-abcdef-no such day': '2021-02-30 is not a date',
			'20210331/20210401-120000-000-abcdef-wrong day':
				"its TUID's date is 20210401, not its day folder's"
		};
		for (const name of Object.keys(invalid))
			fs.mkdirSync(path.join(root, name), { recursive: true });
		// Not Quantify's at all: passed over without a word.
		fs.mkdirSync(path.join(root, '20210331', 'notes'), { recursive: true });
		await measurement(root, '20210331', '20210331-090000-000-abcdef-valid');
		const { source, untilSource, client } = await quantifySource(root);
		await untilSource(source.id, { items_total: 1, items_synced: 1 });
		const before = (await client.getAgentStatus()).iterations;
		await untilSource(source.id, { items_total: 1 });
		await expect
			.poll(async () => (await client.getAgentStatus()).iterations, { timeout: 10_000 })
			.toBeGreaterThan(before + 2);

		const warnings = (await client.listSourceErrors({ id: source.id })).items;
		expect(warnings.map((warning) => [warning.severity, warning.message]).sort()).toEqual(
			Object.entries(invalid)
				.map(([name, why]) => ['warning', `Skipped ${name}: invalid TUID (${why})`])
				.sort()
		);
	});

	it('name the user’s data file in their errors, not the copy read', async () => {
		const root = tempDir('qh-quantify-');
		const dir = path.join(root, '20210331', '20210331-100000-000-abcdef-empty');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(dir, 'dataset.hdf5');
		fs.writeFileSync(file, '');
		fs.utimesSync(file, LONG_AGO, LONG_AGO);
		const { source, untilSource, items } = await quantifySource(root);
		await untilSource(source.id, { items_total: 1, items_failed: 1 });
		const item = (await items(source.id)).get('20210331/20210331-100000-000-abcdef-empty')!;
		expect(item.error).toContain(`Not a Quantify dataset file: ${file} is empty`);
		expect(item.error).not.toMatch(/qh-quantify-[A-Za-z0-9]+\/dataset\.hdf5/);
	});
});

/**
 * The Labber backend against log files written with h5wasm in Labber's layout: a 1-D sweep,
 * a 2-D sweep with a complex channel, a file holding two logs, and a log still being measured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { writeLabberLog } from '../labber-log';
import { sourceAgent } from './harness';
import { manifestOf, tempDir } from './datasets';
import { readExport } from './xarray-export';

const LABBER = 'etiket_sync_agent_labber';
const SLOW = { timeout: 20_000, interval: 100 };
const DAY = '2024/03/Data_0315';

async function labberAgent() {
	const agent = await sourceAgent(LABBER);
	const root = tempDir('qh-labber-');
	fs.mkdirSync(path.join(root, DAY), { recursive: true });
	return {
		...agent,
		root,
		start: () => agent.start({ labber_directory: root, set_up: 'fridge-2' }, 'labber fridge')
	};
}

describe('the Labber backend', () => {
	it(
		'syncs every log file with its settings, instruments and an xarray-readable export per log',
		{ timeout: 60_000 },
		async () => {
			const { client, scope, settings, root, start, items, stored, untilSource } =
				await labberAgent();
			await writeLabberLog(path.join(root, DAY, 'IV.hdf5'), {
				logName: 'IV',
				creationTime: 1710500000,
				comment: 'first cooldown',
				star: true,
				project: 'Majorana',
				tags: ['calibration'],
				user: 'Ada',
				steps: [{ name: 'Gate - Voltage', unit: 'V', values: [0, 0.5, 1] }],
				channels: [{ name: 'DMM - Current', unit: 'A', value: ([i]) => i! * 2 }]
			});
			await writeLabberLog(path.join(root, DAY, 'S21.hdf5'), {
				logName: 'S21 map',
				creationTime: 1710500100.25,
				steps: [
					{ name: 'VNA - Frequency', unit: 'Hz', values: [4e9, 5e9, 6e9] },
					{ name: 'Source - Power', unit: 'dBm', values: [-20, -10] }
				],
				channels: [
					{
						name: 'VNA - S21',
						unit: '',
						complex: true,
						value: ([f, p]) => [f! + 10 * p!, -f!]
					}
				]
			});
			await writeLabberLog(path.join(root, DAY, 'two logs.hdf5'), {
				logName: 'two logs',
				creationTime: 1710500200,
				steps: [{ name: 'Magnet - Field', unit: 'T', values: [0, 1] }],
				channels: [{ name: 'Lockin - X/Y', unit: 'V', value: ([i]) => i! + 0.5 }],
				extraLogs: [
					{
						steps: [{ name: 'Time', unit: 's', values: [0, 1, 2] }],
						channels: [{ name: 'Fridge - T', unit: 'K', value: ([i]) => 0.01 * (i! + 1) }]
					}
				]
			});
			fs.writeFileSync(path.join(root, DAY, 'notes.txt'), 'not a log');
			const source = await start();
			await untilSource(source.id, {
				items_total: 3,
				items_synced: 3,
				items_failed: 0
			});
			const byPath = await items(source.id);

			const iv = byPath.get(`${DAY}/IV.hdf5`)!;
			const manifest = manifestOf(settings.storeDir, scope, iv.dataset_uuid) as ReturnType<
				typeof manifestOf
			> & { ranking: number; description: string };
			expect(manifest).toMatchObject({
				name: 'IV',
				alt_uid: 'IV_1710500000.0',
				collected: new Date(1710500000 * 1000).toISOString(),
				description: 'first cooldown',
				tags: ['calibration', 'Gate - Voltage', 'DMM - Current'],
				attributes: { 'set-up': 'fridge-2', project: 'Majorana', user: 'Ada' },
				ranking: 1
			});
			expect(manifest.files.map((file) => file.name).sort()).toEqual([
				'IV.hdf5',
				'instruments.json',
				'measured_data.hdf5',
				'settings.json'
			]);
			expect(
				JSON.parse(fs.readFileSync(stored(iv.dataset_uuid, 'instruments.json'), 'utf8'))
			).toEqual({ 'Manual - demo': { Voltage: 0.25, Mode: 'DC' } });
			expect(
				JSON.parse(fs.readFileSync(stored(iv.dataset_uuid, 'settings.json'), 'utf8'))
			).toMatchObject({
				step_list: [{ channel_name: 'Gate - Voltage', step_unit: 'V' }],
				step_config: { 'Gate - Voltage': { 'Step items': [{ start: 0, stop: 1, n_pts: 3 }] } }
			});
			const ivData = await readExport(stored(iv.dataset_uuid, 'measured_data.hdf5'));
			expect(ivData.variable('Gate - Voltage')).toMatchObject({
				dims: ['Gate - Voltage'],
				values: [0, 0.5, 1],
				units: 'V'
			});
			expect(ivData.variable('DMM - Current')).toMatchObject({
				dims: ['Gate - Voltage'],
				values: [0, 2, 4],
				units: 'A'
			});

			const s21 = byPath.get(`${DAY}/S21.hdf5`)!;
			expect(manifestOf(settings.storeDir, scope, s21.dataset_uuid).alt_uid).toBe(
				'S21 map_1710500100.25'
			);
			const map = await readExport(stored(s21.dataset_uuid, 'measured_data.hdf5'));
			expect(map.variable('Source - Power')).toMatchObject({ values: [-20, -10], units: 'dBm' });
			expect(map.variable('VNA - Frequency')).toMatchObject({ values: [4e9, 5e9, 6e9] });
			// Outermost step first: power × frequency, each value complex.
			expect(map.variable('VNA - S21')).toMatchObject({
				dims: ['Source - Power', 'VNA - Frequency'],
				shape: [2, 3],
				values: [
					{ re: 0, im: -0 },
					{ re: 1, im: -1 },
					{ re: 2, im: -2 },
					{ re: 10, im: -0 },
					{ re: 11, im: -1 },
					{ re: 12, im: -2 }
				]
			});

			const two = byPath.get(`${DAY}/two logs.hdf5`)!;
			const twoFiles = manifestOf(settings.storeDir, scope, two.dataset_uuid).files.map(
				(file) => file.name
			);
			expect(twoFiles).toContain('measured_data_Log_2.hdf5');
			// A `/` in a channel's name would split an HDF5 path: it is `_` there, kept in long_name.
			const first = await readExport(stored(two.dataset_uuid, 'measured_data.hdf5'));
			expect(first.variable('Lockin - X_Y')).toMatchObject({
				dims: ['Magnet - Field'],
				values: [0.5, 1.5],
				long_name: 'Lockin - X/Y'
			});
			const second = await readExport(stored(two.dataset_uuid, 'measured_data_Log_2.hdf5'));
			expect(second.variable('Fridge - T')).toMatchObject({
				dims: ['Time'],
				values: [0.01, 0.02, 0.03],
				units: 'K'
			});
			expect(second.attrs).toMatchObject({ log_name: 'two logs', log: 'Log_2' });
			const detail = await client.getItem({ id: source.id, item_id: iv.id });
			expect(detail.sync_record.dataset?.parameters).toEqual([
				{
					name: 'Gate - Voltage',
					long_name: 'Gate - Voltage',
					units: 'V',
					dims: ['Gate - Voltage'],
					shape: [3]
				},
				{
					name: 'DMM - Current',
					long_name: 'DMM - Current',
					units: 'A',
					dims: ['Gate - Voltage'],
					shape: [3]
				}
			]);
		}
	);

	it(
		'shows a log being measured as live, and syncs it whole once Labber completes it',
		{ timeout: 60_000 },
		async () => {
			const { root, start, items, stored } = await labberAgent();
			const file = path.join(root, DAY, 'running.hdf5');
			const spec = {
				logName: 'running',
				creationTime: 1710500300,
				steps: [
					{ name: 'x', unit: 'V', values: [0, 1] },
					{ name: 'y', unit: 'V', values: [0, 1, 2] }
				],
				channels: [{ name: 'z', unit: 'A', value: ([x, y]: number[]) => x! + 10 * y! }]
			};
			await writeLabberLog(file, { ...spec, completed: false, entries: 1 });
			const source = await start();
			await vi.waitFor(
				async () => expect((await items(source.id)).get(`${DAY}/running.hdf5`)?.live).toBe(true),
				SLOW
			);
			// Labber writes the rest and marks the log completed.
			fs.rmSync(file);
			await writeLabberLog(file, spec);
			await vi.waitFor(async () => {
				const item = (await items(source.id)).get(`${DAY}/running.hdf5`)!;
				expect(item).toMatchObject({ live: false, synchronized: true });
				const data = await readExport(stored(item.dataset_uuid, 'measured_data.hdf5'));
				expect(data.variable('z').values).toEqual([0, 1, 10, 11, 20, 21]);
			}, SLOW);
		}
	);

	it(
		'finalizes a log Labber never completed, its missing points NaN, with a note',
		{ timeout: 60_000 },
		async () => {
			const { client, root, start, items, stored, untilSource } = await labberAgent();
			const file = path.join(root, DAY, 'aborted.hdf5');
			await writeLabberLog(file, {
				logName: 'aborted',
				creationTime: 1710500400,
				steps: [
					{ name: 'x', unit: 'V', values: [0, 1] },
					{ name: 'y', unit: 'V', values: [0, 1, 2] }
				],
				channels: [{ name: 'z', unit: 'A', value: ([x, y]) => x! + 10 * y! }],
				completed: false,
				entries: 2
			});
			const past = new Date(Date.now() - 3 * 60_000);
			fs.utimesSync(file, past, past);
			const source = await start();
			await untilSource(source.id, { items_synced: 1 });
			const item = (await items(source.id)).get(`${DAY}/aborted.hdf5`)!;
			const data = await readExport(stored(item.dataset_uuid, 'measured_data.hdf5'));
			expect(data.variable('z').values.slice(0, 4)).toEqual([0, 1, 10, 11]);
			expect(data.variable('z').values.slice(4).every(Number.isNaN)).toBe(true);
			const messages = (
				await client.getItem({ id: source.id, item_id: item.id })
			).sync_record.logs.map((entry) => entry.message);
			expect(messages).toContainEqual(
				'The log never completed (aborted, or Labber stopped): not written for 2 minutes, synced as it is'
			);
			expect(messages).toContainEqual('the root: 4 of 6 points measured; the rest is NaN');
		}
	);
});

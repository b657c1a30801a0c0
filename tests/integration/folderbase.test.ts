/**
 * Folder-base data in the vendor's writer's exact format: the whole `_QH_dataset_info.yaml`,
 * converters that turn text tables into HDF5, and `.QH_manifest.yaml` of both shapes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { SETTLE_MS } from '../../src/agent/backends/folderbase/folderbase';
import { agentWithScope, sourceAgent } from './harness';
import { manifestOf, tempDir, writeDataset } from './datasets';
import { readExport } from './xarray-export';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 20_000, interval: 100 };

/** `_QH_dataset_info.yaml` as the vendor's writer emits it (yaml.dump, keys in its order). */
const T1_INFO = `version: '0.1'
dataset_name: T1_decay_measurement
creation: '2025-08-31T14:14:33'
description: T1 decay measurement of qubit Q1
attributes:
  sample: sample_A
  qubit_id: Q1
  temperature_mK: 12.5
  repetitions: 200
  calibrated: true
keywords:
- T1
- decay
converters:
  txt_to_hdf5_converter:
    module: data_converter.converter_txt_to_hdf5
    class: TxtToHdf5Converter
skip:
- '*.json'
- raw_data/*
`;

const T1_TABLE = 'Time(us)\tSignal(mV)\n0.0\t1.00\n2.5\t0.61\n5.0\t0.37\n7.5\tnan\n';

/** The older manifest shape, as an earlier reference agent left it in the folder. */
const OLDER_MANIFEST = `files:
  data.txt:
    m_time: 1756642473.0
    status: synced
    txt_to_hdf5_converter:
      m_time: 1756642473.0
      output: data.hdf5
      status: synced
errors: []
`;

async function folderbaseAgent(env: Record<string, string> = {}) {
	const agent = await sourceAgent(FOLDERBASE, env);
	const root = tempDir();
	return { ...agent, root, start: () => agent.start({ root_directory: root }, 'lab folder') };
}

describe('folder-base in the writer format', () => {
	it(
		'syncs every dataset: metadata typed, skip globs, converted tables readable as HDF5',
		{ timeout: 60_000 },
		async () => {
			const { client, scope, settings, root, start } = await folderbaseAgent();
			const t1 = writeDataset(
				root,
				'sample_A/T1_decay_measurement',
				{
					'data.txt': T1_TABLE,
					'settings.json': '{}',
					'raw_data/trace_0.bin': 'raw',
					'analysis/fit.png': 'png',
					'.QH_manifest.yaml': OLDER_MANIFEST
				},
				T1_INFO
			);
			// NumPy's savetxt: the header behind "# ", a column without a unit, scientific notation.
			writeDataset(
				root,
				'sample_A/rabi',
				{
					'rabi.csv':
						'# Amplitude(V),Population\n0.000000000000000000e+00,1.0e-02\n5.0e-01,9.8e-01\n'
				},
				"version: '0.1'\ntags: [rabi, Q1]\nconverters:\n  csv_to_hdf5_converter:\n    module: conv\n    class: CsvToHdf5\n"
			);
			// Written by hand: no version, `collected` for the time, a key this agent does not know.
			writeDataset(
				root,
				'sample_B/notes',
				{ 'log.md': '# notes' },
				'collected: 2024-01-02T03:04:05Z\noperator: Ada\n'
			);
			const source = await start();
			await vi.waitFor(
				async () =>
					expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 3 }),
				SLOW
			);
			const { items } = await client.listSourceItems({ id: source.id });
			const byId = new Map(items.map((item) => [item.data_identifier, item]));

			const t1Item = byId.get('sample_A/T1_decay_measurement')!;
			const t1Manifest = manifestOf(settings.storeDir, scope, t1Item.dataset_uuid);
			expect(t1Manifest).toMatchObject({
				name: 'T1_decay_measurement',
				collected: new Date('2025-08-31T14:14:33').toISOString(),
				description: 'T1 decay measurement of qubit Q1',
				tags: ['T1', 'decay'],
				attributes: {
					sample: 'sample_A',
					qubit_id: 'Q1',
					temperature_mK: 12.5,
					repetitions: 200,
					calibrated: true
				},
				version: '0.1'
			});
			// settings.json and raw_data/ are skipped; the hidden manifest is not a file of the data.
			expect(t1Manifest.files.map((file) => file.name).sort()).toEqual([
				'analysis/fit.png',
				'data.hdf5',
				'data.txt'
			]);
			const rows = (await client.listItemFiles({ id: source.id, item_id: t1Item.id })).items;
			expect(rows.find((row) => row.name === 'data.hdf5')).toMatchObject({
				status: 'OK',
				converter: 'txt_to_hdf5'
			});
			const detail = await client.getItem({ id: source.id, item_id: t1Item.id });
			expect(detail.sync_record.logs.map((entry) => entry.message)).toContainEqual(
				expect.stringMatching(/QH_manifest\.yaml is of the older shape/)
			);
			// The user's folder is left as it was: the older manifest is not rewritten.
			expect(fs.readFileSync(path.join(t1, '.QH_manifest.yaml'), 'utf8')).toBe(OLDER_MANIFEST);

			const stored = (item: typeof t1Item, name: string) =>
				path.join(settings.storeDir, scope, item.dataset_uuid, 'files', name);
			const h5 = await readExport(stored(t1Item, 'data.hdf5'));
			expect(h5.names).toEqual(['Signal', 'Time']);
			expect(h5.attrs).toMatchObject({
				source_file: 'data.txt',
				converter: 'txt_to_hdf5',
				columns: ['Time(us)', 'Signal(mV)']
			});
			expect(h5.variable('Time')).toMatchObject({
				values: [0, 2.5, 5, 7.5],
				units: 'us',
				scale: 'Time'
			});
			const signal = h5.variable('Signal');
			expect(signal).toMatchObject({ units: 'mV', scale: null, dims: ['Time'] });
			expect(signal.values.slice(0, 3)).toEqual([1, 0.61, 0.37]);
			expect(signal.values[3]).toBeNaN();

			const rabi = byId.get('sample_A/rabi')!;
			expect(manifestOf(settings.storeDir, scope, rabi.dataset_uuid).tags).toEqual(['rabi', 'Q1']);
			const rabiH5 = await readExport(stored(rabi, 'rabi.hdf5'));
			expect(rabiH5.variable('Amplitude')).toMatchObject({ values: [0, 0.5], units: 'V' });
			expect(rabiH5.variable('Population')).toMatchObject({
				values: [0.01, 0.98],
				units: null,
				scale: null,
				dims: ['Amplitude']
			});

			const notes = byId.get('sample_B/notes')!;
			expect(manifestOf(settings.storeDir, scope, notes.dataset_uuid).collected).toBe(
				'2024-01-02T03:04:05.000Z'
			);
			const noteLines = (
				await client.getItem({ id: source.id, item_id: notes.id })
			).sync_record.logs.map((entry) => entry.message);
			expect(noteLines).toContainEqual(expect.stringMatching(/has no version/));
			expect(noteLines).toContainEqual(
				expect.stringMatching(/unknown key "operator" kept as a note: "Ada"/)
			);

			const usage = await client.getConverterUsage({ name: 'txt_to_hdf5' });
			expect(usage).toEqual({
				name: 'txt_to_hdf5',
				files: 1,
				failed: 0,
				sources: [{ id: source.id, name: 'lab folder', items: 1, files: 1, failed: 0 }]
			});
		}
	);

	it('converts a table again only when it changed: a new version of both files', async () => {
		const { client, scope, settings, root, start } = await folderbaseAgent();
		const dir = writeDataset(
			root,
			'P/run',
			{ 'data.txt': 'x(s)\ty\n1\t2\n', 'notes.md': 'a' },
			'converters:\n  txt_to_hdf5_converter: {module: m, class: C}\n'
		);
		const source = await start();
		const synced = async () => {
			await vi.waitFor(
				async () =>
					expect(await client.getSource({ id: source.id })).toMatchObject({
						items_total: 1,
						items_synced: 1
					}),
				SLOW
			);
			const [item] = (await client.listSourceItems({ id: source.id })).items;
			return Object.fromEntries(
				manifestOf(settings.storeDir, scope, item!.dataset_uuid).files.map((file) => [
					file.name,
					file.version
				])
			);
		};
		expect(await synced()).toEqual({ 'data.txt': 1, 'notes.md': 1, 'data.hdf5': 1 });
		fs.writeFileSync(path.join(dir, 'notes.md'), 'changed');
		await vi.waitFor(
			async () => expect(await synced()).toEqual({ 'data.txt': 1, 'notes.md': 2, 'data.hdf5': 1 }),
			SLOW
		);
		fs.writeFileSync(path.join(dir, 'data.txt'), 'x(s)\ty\n1\t3\n');
		await vi.waitFor(
			async () => expect(await synced()).toEqual({ 'data.txt': 2, 'notes.md': 2, 'data.hdf5': 2 }),
			SLOW
		);
	});

	it('uploads the original when its converter is not installed, and fails the item so it can be reset', async () => {
		const { client, scope, settings, root, start } = await folderbaseAgent();
		writeDataset(
			root,
			'P/zarr',
			{ 'data.zarr/0.0': 'chunk', 'data.zarr/zarr.json': '{}', 'bad.txt': 'no table here\n1\t2\n' },
			'converters:\n  zarr_to_netcdf4_converter: {module: m, class: C}\n  txt_to_hdf5_converter: {module: m, class: C}\n'
		);
		const source = await start();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_failed: 1 }),
			SLOW
		);
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		expect(item!.error).toBe('2 of 2 files could not be converted');
		const rows = (await client.listItemFiles({ id: source.id, item_id: item!.id })).items;
		expect(rows.map((row) => [row.name, row.status, row.converter])).toEqual([
			['bad.txt', 'OK', null],
			['data.zarr/0.0', 'OK', null],
			['data.zarr/zarr.json', 'OK', null],
			['data.netcdf4', 'ERROR', 'zarr_to_netcdf4'],
			['bad.hdf5', 'ERROR', 'txt_to_hdf5']
		]);
		expect(rows.find((row) => row.name === 'data.netcdf4')!.error).toMatch(
			/^Converter zarr_to_netcdf4 is not installed in this sync agent: data\.zarr was uploaded unconverted$/
		);
		expect(rows.find((row) => row.name === 'bad.hdf5')!.error).toBe(
			'bad.txt is not a table: line 2 has 2 values where the header names 3 columns'
		);
		// The originals are in the store, listed in dataset.json.
		expect(
			manifestOf(settings.storeDir, scope, item!.dataset_uuid)
				.files.map((file) => file.name)
				.sort()
		).toEqual(['bad.txt', 'data.zarr/0.0', 'data.zarr/zarr.json']);
	});

	it('fails an item whose info file has a value of the wrong type: file, field and what was expected', async () => {
		const { client, root, start } = await folderbaseAgent();
		writeDataset(
			root,
			'P/typed',
			{ 'a.txt': 'a' },
			'attributes:\n  sample: [1, 2]\nkeywords: {a: 1}\n'
		);
		writeDataset(root, 'P/old-shape', { 'a.txt': 'a' }, 'converters:\n  "*.csv": csv_to_hdf5\n');
		const source = await start();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_failed: 2 }),
			SLOW
		);
		const { items } = await client.listSourceItems({ id: source.id });
		const errorOf = (id: string) => items.find((item) => item.data_identifier === id)!.error;
		expect(errorOf('P/typed')).toBe(
			'P/typed/_QH_dataset_info.yaml is invalid: attributes.sample: expected text, a number or true/false; keywords: expected a list of words'
		);
		expect(errorOf('P/old-shape')).toBe(
			'P/old-shape/_QH_dataset_info.yaml is invalid: converters.*.csv: expected <input>_to_<output>_converter: {module: …, class: …}'
		);
	});

	it('continues the dataset a manifest names when scope and folder match; a copied folder is a new dataset', async () => {
		const { client, scope, settings, root, start } = await folderbaseAgent();
		const known = randomUUID();
		const manifest = (folder: string) =>
			`version: '0.1'\ndataset_uuid: ${known}\nscope_uuid: ${scope}\ndataset_sync_path: ${folder}\nsync_time: '2025-08-31T14:20:00'\nfiles:\n  a.txt:\n  - {md5: x, version: 1}\n`;
		const original = path.join(root, 'P', 'original');
		writeDataset(root, 'P/original', { 'a.txt': 'a', '.QH_manifest.yaml': manifest(original) });
		// Copied from the original folder, manifest and all.
		writeDataset(root, 'P/copy', { 'a.txt': 'a', '.QH_manifest.yaml': manifest(original) });
		writeDataset(root, 'P/garbled', { 'a.txt': 'a', '.QH_manifest.yaml': 'files: [unclosed\n' });
		const source = await start();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 3 }),
			SLOW
		);
		const { items } = await client.listSourceItems({ id: source.id });
		const byId = new Map(items.map((item) => [item.data_identifier, item]));
		expect(byId.get('P/original')!.dataset_uuid).toBe(known);
		expect(byId.get('P/copy')!.dataset_uuid).not.toBe(known);
		expect(manifestOf(settings.storeDir, scope, known).data_identifier).toBe('P/original');
		const copyLog = (
			await client.getItem({ id: source.id, item_id: byId.get('P/copy')!.id })
		).sync_record.logs.map((entry) => entry.message);
		expect(copyLog).toContainEqual(
			expect.stringMatching(/moved or copied, so it is a new dataset/)
		);
	});

	it('writes a manifest into each synced dataset folder only when QH_WRITE_MANIFESTS is set', async () => {
		const { client, scope, root, start } = await folderbaseAgent({ QH_WRITE_MANIFESTS: '1' });
		const dir = writeDataset(root, 'P/run', { 'a.txt': 'a' });
		const source = await start();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 1 }),
			SLOW
		);
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		await vi.waitFor(() => expect(fs.existsSync(path.join(dir, '.QH_manifest.yaml'))).toBe(true));
		const text = fs.readFileSync(path.join(dir, '.QH_manifest.yaml'), 'utf8');
		expect(text).toContain(`dataset_uuid: ${item!.dataset_uuid}`);
		expect(text).toContain(`scope_uuid: ${scope}`);
		expect(text).toContain(`dataset_sync_path: ${dir}`);
	});
});

describe('new data', () => {
	it('is synced within 2 s of its creation in a watched folder, without waiting for a scan', async () => {
		// Cycles 60 s apart: only the watcher can be quick.
		const { client, root, start } = await folderbaseAgent({ QH_CYCLE_SECONDS: '60' });
		writeDataset(root, 'P/first', { 'a.txt': 'a' });
		const source = await start();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 1 }),
			SLOW
		);
		// Files appear one after another, as an acquisition program writes them.
		const created = Date.now();
		const dir = path.join(root, 'P', 'second');
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(path.join(dir, 'data.txt'), 't\tv\n1\t2\n');
		fs.writeFileSync(path.join(dir, '_QH_dataset_info.yaml'), "version: '0.1'\n");
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 2 }),
			{ timeout: 5_000, interval: 50 }
		);
		expect(Date.now() - created).toBeLessThan(2_000);

		// A file added to a synced dataset, and a dataset deleted, are seen the same way.
		fs.writeFileSync(path.join(dir, 'more.txt'), 'more');
		fs.rmSync(path.join(root, 'P', 'first'), { recursive: true });
		await vi.waitFor(
			async () => {
				const { items } = await client.listSourceItems({ id: source.id });
				const byId = new Map(items.map((item) => [item.data_identifier, item]));
				expect(byId.get('P/first')?.missing).toBe(true);
				const second = byId.get('P/second')!;
				expect(second.synchronized).toBe(true);
				const files = await client.listItemFiles({ id: source.id, item_id: second.id });
				expect(files.items.map((file) => file.name)).toContain('more.txt');
			},
			{ timeout: 5_000, interval: 50 }
		);

		// A tree written elsewhere and moved into place, then added to.
		const elsewhere = tempDir();
		const moved = writeDataset(elsewhere, 'Q/run', { 'a.txt': 'a' });
		fs.renameSync(path.join(elsewhere, 'Q'), path.join(root, 'Q'));
		const filesOf = async (dataIdentifier: string) => {
			const { items } = await client.listSourceItems({ id: source.id });
			const item = items.find((candidate) => candidate.data_identifier === dataIdentifier);
			if (!item?.synchronized) return [];
			const files = await client.listItemFiles({ id: source.id, item_id: item.id });
			return files.items.map((file) => file.name);
		};
		await vi.waitFor(async () => expect(await filesOf('Q/run')).toEqual(['a.txt']), {
			timeout: 5_000,
			interval: 50
		});
		fs.writeFileSync(path.join(root, 'Q', 'run', 'b.txt'), 'b');
		await vi.waitFor(async () => expect(await filesOf('Q/run')).toEqual(['a.txt', 'b.txt']), {
			timeout: 5_000,
			interval: 50
		});
		expect(fs.existsSync(moved)).toBe(false);
	});

	it('waits until a file has been left alone before uploading it', async () => {
		const { client, root, start } = await folderbaseAgent();
		const dir = writeDataset(root, 'P/growing', { 'data.txt': 'line 0\n' });
		const source = await start();
		// Appended to every 200 ms for 2 s: live all along, never a half-written version. On a
		// loaded machine this process may stall; only a pause of a second lets the file settle.
		let appended = Date.now();
		let longestPause = 0;
		for (let line = 1; line <= 10; line++) {
			await new Promise((resolve) => setTimeout(resolve, 200));
			fs.appendFileSync(path.join(dir, 'data.txt'), `line ${line}\n`);
			longestPause = Math.max(longestPause, Date.now() - appended);
			appended = Date.now();
			const [item] = (await client.listSourceItems({ id: source.id })).items;
			if (item?.synchronized) expect(longestPause).toBeGreaterThanOrEqual(SETTLE_MS);
			else if (item && longestPause < SETTLE_MS) expect(item.live).toBe(true);
		}
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({ items_synced: 1 }),
			SLOW
		);
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		const files = await client.listItemFiles({ id: source.id, item_id: item!.id });
		expect(files.items.find((file) => file.name === 'data.txt')!.size).toBe(
			fs.statSync(path.join(dir, 'data.txt')).size
		);
	});

	it('keeps every other source running while a watched folder never stops changing', async () => {
		const { client, scope, root, start } = await folderbaseAgent({ QH_CYCLE_SECONDS: '0.5' });
		const busy = writeDataset(root, 'P/busy', { 'log.txt': '' });
		await start();
		const quiet = tempDir();
		writeDataset(quiet, 'Q/run', { 'a.txt': 'a' });
		const writer = setInterval(() => fs.appendFileSync(path.join(busy, 'log.txt'), 'x'), 20);
		try {
			await new Promise((resolve) => setTimeout(resolve, 1000));
			// Not watched: only the agent's cycles can find its data.
			const other = await client.createSource({
				name: 'share',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: quiet, is_server_folder: true },
				default_scope: scope
			});
			await vi.waitFor(
				async () =>
					expect(await client.getSource({ id: other.id })).toMatchObject({ items_synced: 1 }),
				SLOW
			);
		} finally {
			clearInterval(writer);
		}
	});

	it('is found in a server folder without a watcher, by the rate-limited walk', async () => {
		const agent = await agentWithScope({ QH_CYCLE_SECONDS: '0.2' });
		const root = tempDir();
		writeDataset(root, 'P/first', { 'a.txt': 'a' });
		const source = await agent.client.createSource({
			name: 'share',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root, is_server_folder: true },
			default_scope: agent.scope
		});
		await agent.client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await agent.client.getSource({ id: source.id })).toMatchObject({ items_synced: 1 }),
			SLOW
		);
		writeDataset(root, 'P/second', { 'b.txt': 'b' });
		fs.writeFileSync(path.join(root, 'P', 'first', 'a.txt'), 'changed');
		await vi.waitFor(async () => {
			const { items } = await agent.client.listSourceItems({ id: source.id });
			const states = items.map((item) => [item.data_identifier, item.synchronized]);
			expect(states.sort()).toEqual([
				['P/first', true],
				['P/second', true]
			]);
			const first = items.find((item) => item.data_identifier === 'P/first')!;
			const files = await agent.client.listItemFiles({ id: source.id, item_id: first.id });
			expect(files.items[0]!.size).toBe('changed'.length);
		}, SLOW);
		fs.rmSync(path.join(root, 'P', 'second'), { recursive: true });
		writeDataset(root, 'Q/third', { 'c.txt': 'c' });
		await vi.waitFor(async () => {
			const { items } = await agent.client.listSourceItems({ id: source.id });
			const states = items.map((item) => [item.data_identifier, item.synchronized, item.missing]);
			expect(states.sort()).toEqual([
				['P/first', true, false],
				['P/second', true, true],
				['Q/third', true, false]
			]);
		}, SLOW);
	});
});

import fs from 'node:fs';
import path from 'node:path';
import { NetCDFReader } from 'netcdfjs';
import { describe, expect, it, vi } from 'vitest';
import { agentWithScope } from './harness';
import {
	manifestOf,
	md5,
	partialCopies,
	quantifyCopy,
	sparseFile,
	tempDir,
	writeDataset
} from './datasets';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 15_000, interval: 100 };

/** Every synchronized item's files are in the store with the md5 of the file on disk. */
function expectStoreMatches(
	store: string,
	scope: string,
	folder: string,
	items: { data_identifier: string; dataset_uuid: string }[]
) {
	for (const item of items) {
		const manifest = manifestOf(store, scope, item.dataset_uuid);
		expect(manifest.data_identifier).toBe(item.data_identifier);
		for (const file of manifest.files) {
			const original = path.join(folder, item.data_identifier, file.name);
			const stored = path.join(store, scope, item.dataset_uuid, 'files', file.name);
			expect(md5(stored), file.name).toBe(md5(original));
			expect(file.md5).toBe(md5(original));
			expect(file.size).toBe(fs.statSync(original).size);
		}
	}
}

describe('folder-base sync', () => {
	it('syncs every dataset into the store, byte for byte, with its metadata', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		writeDataset(
			root,
			'Project_A/cooldown',
			{
				'data.csv': '1,2,3\n',
				'plots/fig.txt': 'figure',
				'.hidden': 'no',
				'scratch.tmp': 'no',
				'notes.md': 'n'
			},
			'dataset_name: Cooldown 7\ncreation: 2024-05-01T10:00:00Z\ndescription: Fridge cooldown\nattributes:\n  sample: S1\n  run: 7\nkeywords: [cooldown, fridge]\nskip: ["*.tmp"]\n'
		);
		writeDataset(root, 'Project_B/deep/sweep', {
			'sweep.bin': Buffer.alloc(3 * 1024 * 1024, 7).toString()
		});
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_total: 2,
					items_synced: 2,
					items_failed: 0
				}),
			SLOW
		);

		const { items } = await client.listSourceItems({
			id: source.id,
			order_by: 'data_identifier',
			order: 'asc'
		});
		expect(items.map((i) => i.data_identifier)).toEqual([
			'Project_A/cooldown',
			'Project_B/deep/sweep'
		]);
		expectStoreMatches(settings.storeDir, scope, root, items);
		const manifest = manifestOf(settings.storeDir, scope, items[0]!.dataset_uuid);
		expect(manifest).toMatchObject({
			name: 'Cooldown 7',
			collected: '2024-05-01T10:00:00.000Z',
			tags: ['cooldown', 'fridge'],
			attributes: { sample: 'S1', run: 7 },
			scope
		});
		expect(manifest.files.map((f) => f.name)).toEqual(['data.csv', 'notes.md', 'plots/fig.txt']);
		const files = await client.listItemFiles({ id: source.id, item_id: items[0]!.id });
		expect(files.items.map((f) => [f.name, f.status])).toEqual([
			['data.csv', 'OK'],
			['notes.md', 'OK'],
			['plots/fig.txt', 'OK']
		]);
	});

	it('fails an item with a malformed YAML, with a clear error in its record, and keeps the source running', async () => {
		const { client, scope } = await agentWithScope();
		const root = tempDir();
		writeDataset(root, 'P/bad', { 'a.txt': 'a' }, 'dataset_name: [unclosed\n');
		writeDataset(root, 'P/good', { 'b.txt': 'b' });
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_synced: 1,
					items_failed: 1
				}),
			SLOW
		);
		const [bad] = (await client.listSourceItems({ id: source.id, is_synchronized: false })).items;
		expect(bad?.error).toMatch(/^P\/bad\/_QH_dataset_info\.yaml is not valid YAML at line \d+: /);
		const detail = await client.getItem({ id: source.id, item_id: bad!.id });
		const errorEntry = detail.sync_record.logs.find((entry) => entry.kind === 'error');
		expect(errorEntry?.stack_trace).toContain('parseDatasetInfo');
		expect((await client.getSource({ id: source.id })).status).not.toBe('error');
	});

	it('syncs a dataset again when its files change, keeping the older version', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		const dir = writeDataset(root, 'P/run', { 'data.csv': 'first\n' });
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(1),
			SLOW
		);
		const [item] = (await client.listSourceItems({ id: source.id })).items;

		fs.writeFileSync(path.join(dir, 'data.csv'), 'second, longer\n');
		await vi.waitFor(
			() =>
				expect(manifestOf(settings.storeDir, scope, item!.dataset_uuid).files[0]?.version).toBe(2),
			SLOW
		);
		const files = path.join(settings.storeDir, scope, item!.dataset_uuid, 'files');
		expect(fs.readFileSync(path.join(files, 'data.csv'), 'utf8')).toBe('second, longer\n');
		expect(fs.readFileSync(path.join(files, 'data.csv.v1'), 'utf8')).toBe('first\n');
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(1),
			SLOW
		);
	});

	it('without a default scope, maps items by their top-level folder; unmapped ones wait', async () => {
		const { client, settings } = await agentWithScope({
			QH_SCOPES: JSON.stringify([
				{ uuid: '11111111-1111-4111-8111-111111111111', name: 'project_a' },
				{ uuid: '22222222-2222-4222-8222-222222222222', name: 'Other' }
			])
		});
		const root = tempDir();
		writeDataset(root, 'Project_A/r1', { 'x.txt': 'x' });
		writeDataset(root, 'Nomatch/r2', { 'y.txt': 'y' });
		writeDataset(root, 'Nomatch/r3', { 'z.txt': 'z' });
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root }
		});
		await client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_total: 3,
					items_unmapped_scope_count: 3
				}),
			SLOW
		);
		expect(await client.listUnmappedIdentifiers({ id: source.id })).toEqual({
			items: [
				{ scope_identifier: 'Nomatch', item_count: 2 },
				{ scope_identifier: 'Project_A', item_count: 1 }
			],
			total: 2,
			next_cursor: null,
			previous_cursor: null
		});
		// "Project_A" matches the scope "project_a" ignoring case; "Nomatch" matches no scope.
		expect(await client.autoassignScopeMappings({ id: source.id })).toEqual({ created: 1 });
		await client.createScopeMapping({
			id: source.id,
			scope_identifier: 'Nomatch',
			scope_uuid: '22222222-2222-4222-8222-222222222222'
		});
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_synced: 3,
					items_unmapped_scope_count: 0
				}),
			SLOW
		);
		const { items } = await client.listSourceItems({
			id: source.id,
			order_by: 'data_identifier',
			order: 'asc'
		});
		const scopeOf = [
			'22222222-2222-4222-8222-222222222222',
			'22222222-2222-4222-8222-222222222222',
			'11111111-1111-4111-8111-111111111111'
		];
		items.forEach((item, i) => {
			const manifest = path.join(settings.storeDir, scopeOf[i]!, item.dataset_uuid, 'dataset.json');
			expect(fs.existsSync(manifest), item.data_identifier).toBe(true);
		});
	});

	it('with autoassign on, maps identifiers matching exactly one scope name every cycle', async () => {
		const { client } = await agentWithScope({
			QH_SCOPES: JSON.stringify([
				{ uuid: '11111111-1111-4111-8111-111111111111', name: 'project_a' }
			])
		});
		const root = tempDir();
		writeDataset(root, 'PROJECT_A/r1', { 'x.txt': 'x' });
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			autoassign_scope_mapping: true
		});
		await client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_synced: 1,
					items_unmapped_scope_count: 0
				}),
			SLOW
		);
		expect(await client.listScopeMappings({ id: source.id })).toEqual([
			{
				scope_identifier: 'PROJECT_A',
				scope_uuid: '11111111-1111-4111-8111-111111111111',
				scope_name: 'project_a'
			}
		]);
	});

	it('puts a source whose folder vanished into error, recorded once, and runs it again once the folder is back', async () => {
		const { client, scope } = await agentWithScope();
		const root = tempDir();
		writeDataset(root, 'P/r', { 'x.txt': 'x' });
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(1),
			SLOW
		);
		fs.rmSync(root, { recursive: true });
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).status).toBe('error'),
			SLOW
		);
		await new Promise((resolve) => setTimeout(resolve, 500));
		const { items } = await client.listSourceErrors({ id: source.id });
		expect(items).toHaveLength(1);
		expect(items[0]).toMatchObject({ exception: 'FileNotFoundError', viewed: false });
		expect(items[0]!.message).toContain(root);
		// The data that was synced stays, not missing (a drive not mounted is not data deleted).
		expect(await client.getSource({ id: source.id })).toMatchObject({
			items_synced: 1,
			items_missing: 0
		});

		// The drive is mounted again: the source finds it by itself and syncs what is new.
		writeDataset(root, 'P/r', { 'x.txt': 'x' });
		writeDataset(root, 'P/s', { 'y.txt': 'y' });
		await vi.waitFor(async () => {
			const again = await client.getSource({ id: source.id });
			expect(again.status).not.toBe('error');
			expect(again.items_synced).toBe(2);
		}, SLOW);
		expect((await client.listSourceErrors({ id: source.id })).items).toHaveLength(1);
	});

	it('leaves a source stopped while in error as stopped when its folder comes back', async () => {
		const { client, scope } = await agentWithScope();
		const root = tempDir();
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		fs.rmSync(root, { recursive: true });
		await client.startAgent();
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).status).toBe('error'),
			SLOW
		);
		await client.stopSource({ id: source.id });
		writeDataset(root, 'P/r', { 'x.txt': 'x' });
		// Longer than the first look again (2 s) and a few cycles.
		await new Promise((resolve) => setTimeout(resolve, 3_000));
		const after = await client.getSource({ id: source.id });
		expect(after).toMatchObject({ status: 'stopped', items_total: 0 });
	});

	it('reports no_connection while the store cannot be written, with one agent error', async () => {
		const base = tempDir();
		const blocker = path.join(base, 'not-a-dir');
		fs.writeFileSync(blocker, '');
		const { client } = await agentWithScope({ QH_STORE_DIR: path.join(blocker, 'store') });
		await client.startAgent();
		await vi.waitFor(
			async () => expect((await client.getAgentStatus()).status).toBe('no_connection'),
			SLOW
		);
		const errors = (await client.listAgentErrors()).items;
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ exception: 'NoConnection' });
		fs.rmSync(blocker);
		await vi.waitFor(
			async () => expect((await client.getAgentStatus()).status).toBe('running'),
			SLOW
		);
	});

	it('never marks an item synchronized when the agent is killed mid-upload, and resumes', async () => {
		const { client, scope, settings, supervisor, db } = await agentWithScope();
		const root = tempDir();
		const big = Buffer.alloc(300 * 1024 * 1024);
		for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
		const dir = writeDataset(root, 'P/big', {});
		fs.writeFileSync(path.join(dir, 'big.bin'), big);
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(() => expect(partialCopies(settings.storeDir)).not.toEqual([]), {
			timeout: 20_000,
			interval: 20
		});
		process.kill(supervisor.pid!, 'SIGKILL');
		await vi.waitFor(() => expect(supervisor.running).toBe(false));
		await client.stopAgent();
		expect(db.prepare('SELECT synchronized FROM items').get()).toEqual({ synchronized: 0 });

		await client.startAgent();
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(1),
			{ timeout: 30_000 }
		);
		const { items } = await client.listSourceItems({ id: source.id });
		expectStoreMatches(settings.storeDir, scope, root, items);
	}, 60_000);
});

describe('Quantify sync', () => {
	it('syncs the shared fixtures with their variables, tags and set-up', async () => {
		const { client, scope, settings } = await agentWithScope();
		const folder = quantifyCopy();
		const source = await client.createSource({
			name: 'quantify',
			backend_identifier: 'etiket_sync_agent_quantify',
			config_data: { quantify_directory: folder, set_up: 'fridge_1' },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(
			async () =>
				expect(await client.getSource({ id: source.id })).toMatchObject({
					items_total: 4,
					items_synced: 4
				}),
			SLOW
		);
		const { items } = await client.listSourceItems({
			id: source.id,
			order_by: 'data_identifier',
			order: 'asc'
		});
		expectStoreMatches(settings.storeDir, scope, folder, items);

		const cosine = manifestOf(settings.storeDir, scope, items[0]!.dataset_uuid);
		expect(cosine).toMatchObject({
			name: 'Cosine test',
			alt_uid: '20200430-170837-001-315f36',
			tags: ['Time', 'Signal level'],
			attributes: { 'set-up': 'fridge_1' },
			format: 'netcdf3'
		});
		expect(new Date(cosine.collected).getTime()).toBe(
			new Date(2020, 3, 30, 17, 8, 37, 1).getTime()
		);
		const spectroscopy = manifestOf(settings.storeDir, scope, items[1]!.dataset_uuid);
		expect(spectroscopy.files.map((f) => f.name)).toEqual([
			'analysis_QubitSpectroscopyAnalysis/dataset_processed.hdf5',
			'dataset.hdf5',
			'snapshot.json'
		]);
		expect(spectroscopy.variables?.map((v) => v.name)).toEqual(['x0', 'y0', 'y1']);
	});
});

describe('Quantify live datasets', () => {
	it('replicates the newest dataset while it fills, and syncs it whole once complete', async () => {
		const { client, scope, settings } = await agentWithScope();
		const folder = quantifyCopy();
		const cosine = path.join(
			folder,
			'20200430/20200430-170837-001-315f36-Cosine test/dataset.hdf5'
		);
		const complete = fs.readFileSync(cosine);
		const filling = Buffer.from(complete);
		const y0 = new NetCDFReader(complete).variables.find((v) => v.name === 'y0')!;
		filling.writeDoubleBE(Number.NaN, y0.offset + 8 * 40); // the last values are not measured yet
		const live = path.join(folder, '20991231/20991231-235959-000-abcdef-Live cosine');
		fs.mkdirSync(live, { recursive: true });
		fs.writeFileSync(path.join(live, 'dataset.hdf5'), filling);

		const source = await client.createSource({
			name: 'quantify',
			backend_identifier: 'etiket_sync_agent_quantify',
			config_data: { quantify_directory: folder, set_up: 'fridge_1' },
			default_scope: scope
		});
		await client.startAgent();
		// The four complete datasets, and the live one as it is so far.
		await vi.waitFor(
			async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(5),
			SLOW
		);
		const find = async () =>
			(await client.listSourceItems({ id: source.id, query: 'Live cosine' })).items[0]!;
		// Replicated as it is while live: the store holds what is measured so far.
		await vi.waitFor(
			async () => expect(await find()).toMatchObject({ live: true, synchronized: true }),
			SLOW
		);
		const partial = await find();
		expect(manifestOf(settings.storeDir, scope, partial.dataset_uuid)).toMatchObject({
			live: true
		});

		// The measurement finishes: Quantify writes the last values.
		fs.writeFileSync(path.join(live, 'dataset.hdf5'), complete);
		await vi.waitFor(
			async () => expect(await find()).toMatchObject({ live: false, synchronized: true }),
			SLOW
		);
		const item = await find();
		const stored = path.join(settings.storeDir, scope, item.dataset_uuid, 'files', 'dataset.hdf5');
		expect(md5(stored)).toBe(md5(cosine));
	});
});

describe('stopping mid-upload', () => {
	it('stops within the grace period in the middle of a large upload, leaving no partial file', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		const dir = writeDataset(root, 'P/big', {});
		sparseFile(path.join(dir, 'big.bin'), 400 * 1024 * 1024);
		await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		const partials = () => partialCopies(settings.storeDir);
		await vi.waitFor(() => expect(partials()).not.toHaveLength(0), {
			timeout: 20_000,
			interval: 20
		});
		await client.stopAgent();
		expect(partials()).toEqual([]);
		const agentLog = fs.readFileSync(settings.agentLogFile, 'utf8');
		expect(agentLog).toContain('Abandoned "P/big": the agent is stopping');
		expect(fs.readFileSync(settings.apiLogFile, 'utf8')).not.toContain('killing it');
	});

	/**
	 * A source whose one dataset is being uploaded: its small file stored, its large one being
	 * copied. `abandoned()` waits until the agent gives the upload up, and returns its log.
	 */
	async function uploadUnderWay() {
		const agent = await agentWithScope();
		const { client, scope, settings } = agent;
		const root = tempDir();
		const dir = writeDataset(root, 'P/big', { 'a-small.txt': 'small' });
		sparseFile(path.join(dir, 'big.bin'), 400 * 1024 * 1024);
		const source = await client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.startAgent();
		await vi.waitFor(() => expect(partialCopies(settings.storeDir)).not.toHaveLength(0), {
			timeout: 20_000,
			interval: 10
		});
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		// The small file, copied beside the large one, is already in place.
		const stored = path.join(settings.storeDir, scope, item!.dataset_uuid, 'files', 'a-small.txt');
		await vi.waitFor(() => expect(fs.existsSync(stored)).toBe(true), { interval: 10 });
		expect(partialCopies(settings.storeDir)).not.toHaveLength(0);
		/** Waits for the upload to be abandoned; the agent's log. */
		const abandoned = async () => {
			await vi.waitFor(
				() =>
					expect(fs.readFileSync(settings.agentLogFile, 'utf8')).toContain(
						'Abandoned "P/big": its source was stopped or deleted'
					),
				SLOW
			);
			return fs.readFileSync(settings.agentLogFile, 'utf8');
		};
		return { ...agent, source, item: item!, abandoned };
	}

	it('stopping the source abandons the copy: no partial file, the item not synchronized', async () => {
		const { client, source, item, settings, abandoned } = await uploadUnderWay();
		await client.stopSource({ id: source.id });
		await abandoned();
		expect(partialCopies(settings.storeDir)).toEqual([]);
		expect(await client.getItem({ id: source.id, item_id: item.id })).toMatchObject({
			synchronized: false,
			error: null
		});
		expect(await client.getSource({ id: source.id })).toMatchObject({
			status: 'stopped',
			items_synced: 0
		});
	});

	it('deleting the source abandons the copy and removes what was stored of the dataset, without an error', async () => {
		const { client, source, item, scope, settings, abandoned } = await uploadUnderWay();
		await client.deleteSource({ id: source.id });
		const log = await abandoned();
		expect(partialCopies(settings.storeDir)).toEqual([]);
		expect(fs.existsSync(path.join(settings.storeDir, scope, item.dataset_uuid))).toBe(false);
		expect(log).not.toMatch(/ ERROR |FOREIGN KEY/);
	});
});

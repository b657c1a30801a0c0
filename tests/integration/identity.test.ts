/**
 * What names a thing stays its name: ids are never given to another source, item or error,
 * and an item is the dataset found at one identifier under one root folder of its source.
 * A dataset no longer found is missing, never failed nor retried, until it is found again.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { folderbase } from '../../src/agent/backends/folderbase/folderbase';
import { migrations } from '../../src/agent/db/migrations';
import { md5, tempDir, writeDataset } from './datasets';
import { nodeCommand } from '../helpers';
import { agentWithScope, startAgent } from './harness';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 15_000, interval: 100 };
const repository = path.resolve(import.meta.dirname, '../..');

type Agent = Awaited<ReturnType<typeof startAgent>>;

function createSource({ client }: Agent, scope: string, root: string, name = 'fb') {
	return client.createSource({
		name,
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: root },
		default_scope: scope
	});
}

/** Waits until the source's counters read `counts`. */
function countsReach({ client }: Agent, id: number, counts: Record<string, number>) {
	return vi.waitFor(async () => expect(await client.getSource({ id })).toMatchObject(counts), SLOW);
}

/** The source's items by data identifier (A–Z). */
async function itemsOf({ client }: Agent, id: number, filter: { is_missing?: boolean } = {}) {
	const page = await client.listSourceItems({
		id,
		...filter,
		order_by: 'data_identifier',
		order: 'asc'
	});
	return page.items;
}

function manifestFile(store: string, scope: string, datasetUuid: string): string {
	return path.join(store, scope, datasetUuid, 'dataset.json');
}

/** Resolves after the agent has ended `cycles` more cycles of the source (its last update moves). */
async function cyclesPass({ client }: Agent, id: number, cycles: number) {
	for (let i = 0; i < cycles; i++) {
		const before = (await client.getSource({ id })).last_update;
		await vi.waitFor(
			async () => expect((await client.getSource({ id })).last_update).not.toBe(before),
			SLOW
		);
	}
}

/**
 * One scan of the source by another process, as a user that the folders' permissions apply
 * to: root keeps them from itself by dropping the capabilities that read past them.
 */
async function scanAsUser(dataDir: string, sourceId: number) {
	const scan = ['--import', 'tsx', 'tests/integration/scan-loop.ts', dataDir, String(sourceId)];
	const scanner = spawn(...nodeCommand(scan, { permissionsApply: true }), {
		cwd: repository,
		stdio: ['pipe', 'pipe', 'inherit']
	});
	onTestFinished(() => void scanner.kill());
	const exited = once(scanner, 'exit');
	// It prints a line once a scan is committed, and scans until its stdin closes.
	await Promise.race([once(scanner.stdout, 'data'), exited]);
	scanner.stdin.end();
	const [code] = await exited;
	expect(code).toBe(0);
}

describe('ids', () => {
	it('never gives a deleted source’s id, nor its items’ and errors’, to new ones', async () => {
		const agent = await agentWithScope();
		const { client } = agent;
		const firstRoot = tempDir();
		writeDataset(firstRoot, 'P/run', { 'x.txt': 'x' });
		const first = await createSource(agent, agent.scope, firstRoot, 'first');
		await client.startAgent();
		await countsReach(agent, first.id, { items_synced: 1 });
		const [firstItem] = await itemsOf(agent, first.id);
		// A folder gone is a source error: one with an id to compare.
		fs.rmSync(firstRoot, { recursive: true });
		await vi.waitFor(
			async () => expect((await client.listSourceErrors({ id: first.id })).items).toHaveLength(1),
			SLOW
		);
		const [firstError] = (await client.listSourceErrors({ id: first.id })).items;
		await client.deleteSource({ id: first.id });

		const secondRoot = tempDir();
		writeDataset(secondRoot, 'P/run', { 'x.txt': 'x' });
		const second = await createSource(agent, agent.scope, secondRoot, 'second');
		expect(second.id).toBeGreaterThan(first.id);
		await countsReach(agent, second.id, { items_synced: 1 });
		const [secondItem] = await itemsOf(agent, second.id);
		expect(secondItem!.id).toBeGreaterThan(firstItem!.id);
		fs.rmSync(secondRoot, { recursive: true });
		await vi.waitFor(
			async () => expect((await client.listSourceErrors({ id: second.id })).items).toHaveLength(1),
			SLOW
		);
		const [secondError] = (await client.listSourceErrors({ id: second.id })).items;
		expect(secondError!.id).toBeGreaterThan(firstError!.id);
	});
});

describe('a data directory of the schema before item roots', () => {
	/** The schema version this data directory was written at. */
	const BEFORE = 5;
	const SCOPE = '11111111-1111-4111-8111-111111111111';

	it('keeps every row, id and counter, matches the items to the datasets on disk, and reuses no id after', async () => {
		expect(migrations.length).toBeGreaterThan(BEFORE);
		const root = tempDir();
		writeDataset(root, 'P/synced', { 'a.txt': 'a' });
		writeDataset(root, 'P/failed', { 'b.txt': 'b' });
		// The fingerprints the agent itself computes: the datasets are unchanged since.
		const { datasets } = await folderbase.scan(
			{ root_directory: root },
			AbortSignal.timeout(5000),
			{
				liveIdleMs: 120_000
			}
		);
		const fingerprint = (id: string) => datasets.find((d) => d.dataIdentifier === id)!.fingerprint;

		const dataDir = tempDir('qh-agent-');
		const old = new Database(path.join(dataDir, 'sync_agent.sqlite'));
		migrations.slice(0, BEFORE).forEach((sql, i) => {
			old.exec(sql);
			old.pragma(`user_version = ${i + 1}`);
		});
		old.exec(`
			INSERT INTO scopes VALUES ('${SCOPE}', 'Lab');
			INSERT INTO sources (id, name, backend_identifier, status, config_data, default_scope, created_at)
			VALUES
				(1, 'lab', '${FOLDERBASE}', 'stopped', '${JSON.stringify({ root_directory: root, is_server_folder: false })}', '${SCOPE}', '2024-01-01T00:00:00.000Z'),
				(2, 'other', '${FOLDERBASE}', 'stopped', '{"root_directory":"/nowhere"}', NULL, '2024-01-01T00:00:00.000Z');
			INSERT INTO items (id, source_id, data_identifier, search_key, dataset_uuid, scope_identifier,
				synchronized, attempts, error, next_attempt_at, fingerprint, synced_fingerprint, last_update)
			VALUES
				(1, 1, 'P/synced', 'p/synced', 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', 'P', 1, 1, NULL, NULL,
					'${fingerprint('P/synced')}', '${fingerprint('P/synced')}', '2024-01-02T00:00:00.000Z'),
				(2, 1, 'P/failed', 'p/failed', 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', 'P', 0, 2, 'boom',
					'2999-01-01T00:00:00.000Z', '${fingerprint('P/failed')}', NULL, '2024-01-02T00:00:00.000Z'),
				(3, 2, 'Q/waiting', 'q/waiting', 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', 'Q', 0, 0, NULL, NULL,
					'f', NULL, '2024-01-02T00:00:00.000Z');
			UPDATE items SET unmapped = 1 WHERE id = 3;
			INSERT INTO sync_records VALUES (1, '[]', '[{"name":"a.txt","status":"OK","size":1,"md5":"m","m_time":null,"converter":null,"error":null}]');
			INSERT INTO scope_mappings VALUES (2, 'Q', '${SCOPE}');
			INSERT INTO errors (id, source_id, timestamp, exception, message, severity)
			VALUES (7, 1, '2024-01-03T00:00:00.000Z', 'SkippedFolder', 'Skipped P/x: unreadable', 'warning'),
				(8, NULL, '2024-01-03T00:00:00.000Z', 'NoConnection', 'Store unreachable', 'error');
		`);
		old.close();

		const agent = await startAgent({ QH_DATA_DIR: dataDir, QH_SCOPES: '[]' });
		const { client, db } = agent;
		expect(await client.getSource({ id: 1 })).toMatchObject({
			name: 'lab',
			items_total: 2,
			items_synced: 1,
			items_failed: 1,
			items_missing: 0
		});
		expect(await client.getSource({ id: 2 })).toMatchObject({
			items_total: 1,
			items_unmapped_scope_count: 1,
			items_missing: 0
		});
		expect(await itemsOf(agent, 1)).toMatchObject([
			{ id: 2, dataset_uuid: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', error: 'boom', attempts: 2 },
			{ id: 1, dataset_uuid: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', synchronized: true }
		]);
		expect((await client.getItem({ id: 1, item_id: 1 })).sync_record.file_summary).toEqual({
			counts: { OK: 1, ERROR: 0, SKIPPED: 0 },
			size: 1
		});
		expect((await client.listItemFiles({ id: 1, item_id: 1 })).items).toMatchObject([
			{ name: 'a.txt', md5: 'm' }
		]);
		// The search index answers from the rebuilt table.
		expect((await client.searchItems({ query: 'P/FAIL' })).items.map((i) => i.id)).toEqual([2]);
		expect((await client.listSourceErrors({ id: 1 })).items.map((e) => e.id)).toEqual([7]);
		expect((await client.listAgentErrors()).items.map((e) => e.id)).toEqual([8]);
		expect(await client.listScopeMappings({ id: 2 })).toHaveLength(1);

		// The items belong to the folder the source reads: a scan finds them, adds none.
		await client.startSource({ id: 1 });
		await client.startAgent();
		await cyclesPass(agent, 1, 1);
		expect(await client.getSource({ id: 1 })).toMatchObject({
			items_total: 2,
			items_synced: 1,
			items_failed: 1,
			items_missing: 0
		});
		expect((await itemsOf(agent, 1)).map((i) => [i.id, i.dataset_uuid, i.missing])).toEqual([
			[2, 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', false],
			[1, 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', false]
		]);

		// The counter triggers came back with the tables.
		await client.deleteSource({ id: 2 });
		const counted = db
			.prepare(
				`SELECT COUNT(*) AS items_total, SUM(synchronized) AS items_synced, SUM(failed) AS items_failed,
					SUM(missing) AS items_missing FROM items WHERE source_id = 1`
			)
			.get();
		expect(await client.getSource({ id: 1 })).toMatchObject(counted as object);
		expect(db.prepare('SELECT COUNT(*) AS n FROM items WHERE source_id = 2').get()).toEqual({
			n: 0
		});

		const created = await createSource(agent, SCOPE, tempDir(), 'new');
		expect(created.id).toBe(3);
		await client.deleteSource({ id: created.id });
		expect((await createSource(agent, SCOPE, tempDir(), 'newer')).id).toBe(4);
	});
});

describe('a source pointed at another folder', () => {
	it('starts afresh there: new items and datasets; the old ones missing and untouched, back when pointed back', async () => {
		const agent = await agentWithScope();
		const { client, scope, settings } = agent;
		const first = tempDir();
		const second = tempDir();
		writeDataset(first, 'P/ds1', { 'data.txt': 'in the first folder' });
		writeDataset(first, 'P/ds2', { 'data.txt': 'only in the first folder' });
		writeDataset(second, 'P/ds1', { 'data.txt': 'in the second folder, same identifier' });
		const { id } = await createSource(agent, scope, first);
		await client.startAgent();
		await countsReach(agent, id, { items_total: 2, items_synced: 2 });
		const old = await itemsOf(agent, id);
		const manifests = () =>
			old.map((item) => fs.readFileSync(manifestFile(settings.storeDir, scope, item.dataset_uuid)));
		const oldManifests = manifests();

		await client.updateSource({ id, config_data: { root_directory: second } });
		// At once, before any scan: the old folder's items are not the source's to sync.
		expect(await client.getSource({ id })).toMatchObject({ items_missing: 2, items_failed: 0 });
		await countsReach(agent, id, { items_total: 3, items_synced: 3, items_missing: 2 });
		const [fresh] = await itemsOf(agent, id, { is_missing: false });
		expect(fresh).toMatchObject({ data_identifier: 'P/ds1', synchronized: true });
		expect(old.map((item) => item.dataset_uuid)).not.toContain(fresh!.dataset_uuid);
		const stored = path.join(settings.storeDir, scope, fresh!.dataset_uuid, 'files', 'data.txt');
		expect(md5(stored)).toBe(md5(path.join(second, 'P/ds1/data.txt')));
		expect(
			(await itemsOf(agent, id, { is_missing: true })).map((item) => [item.id, item.synchronized])
		).toEqual(old.map((item) => [item.id, true]));
		expect(manifests()).toEqual(oldManifests);

		await client.updateSource({ id, config_data: { root_directory: first } });
		await vi.waitFor(
			async () =>
				expect((await itemsOf(agent, id, { is_missing: false })).map((item) => item.id)).toEqual(
					old.map((item) => item.id)
				),
			SLOW
		);
		await cyclesPass(agent, id, 1);
		// Unchanged, they were not uploaded again.
		expect(await itemsOf(agent, id, { is_missing: false })).toEqual(
			old.map((item) => ({ ...item, last_update: expect.any(String) }))
		);
		expect(manifests()).toEqual(oldManifests);
		expect((await itemsOf(agent, id, { is_missing: true })).map((item) => item.id)).toEqual([
			fresh!.id
		]);
		expect(await client.getSource({ id })).toMatchObject({
			items_total: 3,
			items_synced: 3,
			items_failed: 0,
			items_missing: 1
		});
	});
});

describe('a dataset no longer found', () => {
	it('is missing, not failed nor retried, and listed by the filter; found again, it comes back', async () => {
		const agent = await agentWithScope();
		const { client, scope, settings } = agent;
		const root = tempDir();
		writeDataset(root, 'P/bad', { 'a.txt': 'a' }, 'dataset_name: [unclosed\n');
		writeDataset(root, 'P/gone', { 'b.txt': 'b' });
		writeDataset(root, 'P/stay', { 'c.txt': 'c' });
		const { id } = await createSource(agent, scope, root);
		await client.startAgent();
		await countsReach(agent, id, { items_total: 3, items_synced: 2, items_failed: 1 });
		const [bad, gone] = await itemsOf(agent, id);
		const goneManifest = fs.readFileSync(
			manifestFile(settings.storeDir, scope, gone!.dataset_uuid)
		);

		// Moved away and back as they are: the same files, the same modification times.
		const away = tempDir();
		for (const name of ['bad', 'gone']) {
			fs.renameSync(path.join(root, 'P', name), path.join(away, name));
		}
		await countsReach(agent, id, {
			items_total: 3,
			items_synced: 2,
			items_failed: 0,
			items_missing: 2
		});
		expect((await itemsOf(agent, id, { is_missing: true })).map((i) => i.data_identifier)).toEqual([
			'P/bad',
			'P/gone'
		]);
		expect((await itemsOf(agent, id, { is_missing: false })).map((i) => i.data_identifier)).toEqual(
			['P/stay']
		);
		const acrossSources = await client.searchItems({ is_missing: true, source_id: id });
		expect(acrossSources.items.map((i) => i.data_identifier).sort()).toEqual(['P/bad', 'P/gone']);
		// Due now were it not missing: it is still not tried.
		await client.prioritizeItem({ id, item_id: bad!.id });
		await cyclesPass(agent, id, 2);
		expect(await client.getItem({ id, item_id: bad!.id })).toMatchObject({
			missing: true,
			attempts: 1,
			error: bad!.error
		});

		for (const name of ['bad', 'gone']) {
			fs.renameSync(path.join(away, name), path.join(root, 'P', name));
		}
		await countsReach(agent, id, {
			items_total: 3,
			items_synced: 2,
			items_failed: 1,
			items_missing: 0
		});
		// The failed one is tried afresh; the synced one, unchanged, is not uploaded again.
		expect(await client.getItem({ id, item_id: bad!.id })).toMatchObject({
			missing: false,
			attempts: 1
		});
		expect(await client.getItem({ id, item_id: gone!.id })).toMatchObject({
			missing: false,
			synchronized: true,
			attempts: 1,
			dataset_uuid: gone!.dataset_uuid
		});
		expect(fs.readFileSync(manifestFile(settings.storeDir, scope, gone!.dataset_uuid))).toEqual(
			goneManifest
		);
	});

	it('is not what lies under a folder the scan could not read', async () => {
		const agent = await agentWithScope();
		const { client, scope, dataDir } = agent;
		const root = tempDir();
		writeDataset(root, 'Locked/a', { 'a.txt': 'a' });
		writeDataset(root, 'Open/b', { 'b.txt': 'b' });
		writeDataset(root, 'Open/c', { 'c.txt': 'c' });
		const { id } = await createSource(agent, scope, root);
		await client.startAgent();
		await countsReach(agent, id, { items_total: 3, items_synced: 3 });
		await client.stopAgent();

		fs.rmSync(path.join(root, 'Open/c'), { recursive: true });
		const locked = path.join(root, 'Locked');
		fs.chmodSync(locked, 0o000);
		try {
			await scanAsUser(dataDir, id);
		} finally {
			fs.chmodSync(locked, 0o755);
		}
		// The scan did skip the folder, and looked everywhere else.
		expect((await client.listSourceErrors({ id })).items).toMatchObject([
			{ exception: 'SkippedEntry', severity: 'warning' }
		]);
		expect((await itemsOf(agent, id, { is_missing: true })).map((i) => i.data_identifier)).toEqual([
			'Open/c'
		]);
		expect(await client.getSource({ id })).toMatchObject({ items_total: 3, items_missing: 1 });
	});
});

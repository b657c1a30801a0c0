import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rejection, startAgent } from './harness';
import { tempDir, writeDataset } from './datasets';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const QUANTIFY = 'etiket_sync_agent_quantify';

/** Everything a rejected request might have written. */
function snapshot(db: import('better-sqlite3').Database) {
	return ['sources', 'items', 'scope_mappings', 'errors'].map((table) =>
		db.prepare(`SELECT * FROM ${table} ORDER BY rowid`).all()
	);
}

async function setup() {
	const agent = await startAgent();
	const scope = (await agent.client.listScopes())[0]!.uuid;
	const root = tempDir();
	writeDataset(root, 'Project_A/run1', { 'data.csv': '1,2\n' });
	return { ...agent, scope, root };
}

describe('sources', () => {
	it('creates, reads, lists, renames (keeping the id), reconfigures and deletes a source', async () => {
		const { client, scope, root } = await setup();
		const created = await client.createSource({
			name: 'lab data',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		expect(created).toMatchObject({
			name: 'lab data',
			status: 'syncing',
			items_total: 0,
			config_data: { root_directory: root, is_server_folder: false },
			default_scope: scope,
			autoassign_scope_mapping: false,
			owner: null
		});
		expect(await client.getSource({ id: created.id })).toEqual(created);
		expect((await client.listSources()).map((s) => s.name)).toEqual(['lab data']);

		const renamed = await client.updateSource({ id: created.id, rename_to: 'renamed' });
		expect(renamed).toMatchObject({ id: created.id, name: 'renamed' });
		const reconfigured = await client.updateSource({
			id: created.id,
			config_data: { is_server_folder: true }
		});
		expect(reconfigured.config_data).toEqual({ root_directory: root, is_server_folder: true });

		expect((await client.deleteSource({ id: created.id })).id).toBe(created.id);
		expect((await rejection(client.getSource({ id: created.id }))).status).toBe(404);
	});

	it('filters the list by status and backend', async () => {
		const { client, scope, root } = await setup();
		const other = tempDir();
		const a = await client.createSource({
			name: 'a',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.createSource({
			name: 'b',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: other },
			default_scope: scope
		});
		await client.stopSource({ id: a.id });
		expect((await client.listSources({ status: 'stopped' })).map((s) => s.name)).toEqual(['a']);
		expect(await client.listSources({ backend: QUANTIFY })).toEqual([]);
	});

	it('follows the SDK status lifecycle', async () => {
		const { client, scope, root, db } = await setup();
		const { id } = await client.createSource({
			name: 's',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		expect((await rejection(client.startSource({ id }))).code).toBe('SyncSourceAlreadyRunning');
		expect((await client.stopSource({ id })).status).toBe('stopped');
		const again = await rejection(client.stopSource({ id }));
		expect([again.code, again.status]).toEqual(['SyncSourceAlreadyStopped', 409]);
		expect((await client.startSource({ id })).status).toBe('syncing');

		db.prepare(`UPDATE sources SET status = 'scanning' WHERE id = ?`).run(id);
		expect((await rejection(client.startSource({ id }))).code).toBe('SyncSourceAlreadyRunning');
		db.prepare(`UPDATE sources SET status = 'error' WHERE id = ?`).run(id);
		expect((await client.startSource({ id })).status).toBe('syncing');
		db.prepare(`UPDATE sources SET status = 'error' WHERE id = ?`).run(id);
		expect((await client.stopSource({ id })).status).toBe('stopped');
	});

	it('takes and releases ownership where the backend has owners, idempotently', async () => {
		const { client, scope, root, settings } = await setup();
		const quantifyDir = tempDir();
		const q = await client.createSource({
			name: 'q',
			backend_identifier: QUANTIFY,
			config_data: { quantify_directory: quantifyDir, set_up: 'fridge' },
			default_scope: scope
		});
		expect((await client.takeOwnership({ id: q.id })).owner).toBe(settings.user);
		expect((await client.releaseOwnership({ id: q.id })).owner).toBeNull();
		expect((await client.releaseOwnership({ id: q.id })).owner).toBeNull();

		const f = await client.createSource({
			name: 'f',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		const refused = await rejection(client.takeOwnership({ id: f.id }));
		expect([refused.code, refused.status]).toEqual(['SyncSourceBackendHasNoOwner', 409]);
	});

	it('deletes a source with its items, errors and mappings, never the data files', async () => {
		const { client, scope, root, db } = await setup();
		const { id } = await client.createSource({
			name: 's',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		db.prepare(
			`INSERT INTO items (source_id, data_identifier, dataset_uuid) VALUES (?, 'x', 'u')`
		).run(id);
		db.prepare(
			`INSERT INTO errors (source_id, timestamp, exception, message) VALUES (?, 't', 'E', 'm')`
		).run(id);
		db.prepare(`INSERT INTO scope_mappings VALUES (?, 'Project_A', ?)`).run(id, scope);
		await client.deleteSource({ id });
		for (const table of ['items', 'errors', 'scope_mappings']) {
			expect(db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get()).toEqual({ n: 0 });
		}
		expect(fs.readFileSync(path.join(root, 'Project_A/run1/data.csv'), 'utf8')).toBe('1,2\n');
	});
});

describe('bad input gets a clear error and nothing is written', async () => {
	type Case = {
		name: string;
		status: number;
		code: string;
		paths: string[];
		body: (ctx: {
			root: string;
			scope: string;
			file: string;
			other: string;
		}) => Record<string, unknown>;
	};
	const cases: Case[] = [
		{
			name: 'unknown backend',
			status: 422,
			code: 'ValidationError',
			paths: ['backend_identifier'],
			body: ({ root, scope }) => ({
				name: 'x',
				backend_identifier: 'etiket_sync_agent_nope',
				config_data: { root_directory: root },
				default_scope: scope
			})
		},
		{
			name: 'backend not installed here',
			status: 422,
			code: 'ValidationError',
			paths: ['backend_identifier'],
			body: () => ({
				name: 'x',
				backend_identifier: 'etiket_sync_agent_native',
				config_data: {}
			})
		},
		{
			name: 'config missing a required field',
			status: 422,
			code: 'ValidationError',
			paths: ['config_data.root_directory'],
			body: ({ scope }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: {},
				default_scope: scope
			})
		},
		{
			name: 'config of the wrong type and an unknown key',
			status: 422,
			code: 'ValidationError',
			paths: ['config_data.is_server_folder', 'config_data.colour'],
			body: ({ root, scope }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root, is_server_folder: 'yes', colour: 1 },
				default_scope: scope
			})
		},
		{
			name: 'the same folder as another source',
			status: 422,
			code: 'ValidationError',
			paths: ['config_data.root_directory'],
			body: ({ other, scope }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: other },
				default_scope: scope
			})
		},
		{
			name: 'a folder inside another source’s',
			status: 422,
			code: 'ValidationError',
			paths: ['config_data.root_directory'],
			body: ({ other, scope }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: path.join(other, 'inner') },
				default_scope: scope
			})
		},
		{
			name: 'a folder around another source’s',
			status: 422,
			code: 'ValidationError',
			paths: ['config_data.root_directory'],
			body: ({ other, scope }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: path.dirname(other) },
				default_scope: scope
			})
		},
		{
			name: 'no default scope where the backend requires one',
			status: 422,
			code: 'ValidationError',
			paths: ['default_scope'],
			body: ({ root }) => ({
				name: 'x',
				backend_identifier: QUANTIFY,
				config_data: { quantify_directory: root, set_up: 's' }
			})
		},
		{
			name: 'a scope that does not exist',
			status: 422,
			code: 'ValidationError',
			paths: ['default_scope'],
			body: ({ root }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root },
				default_scope: '00000000-0000-4000-8000-000000000000'
			})
		},
		{
			name: 'a scope that is not a uuid',
			status: 422,
			code: 'ValidationError',
			paths: ['default_scope'],
			body: ({ root }) => ({
				name: 'x',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root },
				default_scope: 'nope'
			})
		},
		{
			name: 'an empty name',
			status: 422,
			code: 'ValidationError',
			paths: ['name'],
			body: ({ root, scope }) => ({
				name: ' ',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root },
				default_scope: scope
			})
		},
		{
			name: 'a duplicate name',
			status: 409,
			code: 'Conflict',
			paths: ['name'],
			body: ({ root, scope }) => ({
				name: 'existing',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root },
				default_scope: scope
			})
		}
	];

	for (const testCase of cases) {
		it(`${testCase.name} → ${testCase.status} ${testCase.code}`, async () => {
			const { client, scope, root, db } = await setup();
			// Another source whose folder holds `<tmp>/nest/other`: the overlap cases need it.
			const nest = tempDir();
			const other = path.join(nest, 'other');
			fs.mkdirSync(path.join(other, 'inner'), { recursive: true });
			await client.createSource({
				name: 'existing',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: other },
				default_scope: scope
			});
			const file = path.join(root, 'Project_A/run1/data.csv');
			const fresh = tempDir();
			const before = snapshot(db);
			const body = testCase.body({
				root: testCase.name === 'a duplicate name' ? fresh : root,
				scope,
				file,
				other
			});
			const error = await rejection(client.createSource(body as never));
			expect(error.status).toBe(testCase.status);
			expect(error.code).toBe(testCase.code);
			expect(error.details.map((d) => d.path).sort()).toEqual([...testCase.paths].sort());
			expect(error.details.every((d) => d.message.length > 0)).toBe(true);
			expect(snapshot(db)).toEqual(before);
		});
	}

	it('an update that breaks a rule changes nothing', async () => {
		const { client, scope, root, db } = await setup();
		const other = tempDir();
		const a = await client.createSource({
			name: 'a',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root },
			default_scope: scope
		});
		await client.createSource({
			name: 'b',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: other },
			default_scope: scope
		});
		const before = snapshot(db);
		expect((await rejection(client.updateSource({ id: a.id, rename_to: 'b' }))).status).toBe(409);
		expect(
			(await rejection(client.updateSource({ id: a.id, config_data: { root_directory: other } })))
				.status
		).toBe(422);
		expect(
			(
				await rejection(
					client.updateSource({ id: a.id, default_scope: '00000000-0000-4000-8000-000000000000' })
				)
			).status
		).toBe(422);
		expect(snapshot(db)).toEqual(before);
	});

	it('a body that is not JSON, or misses fields, is a 422 with field paths', async () => {
		const { request } = await setup();
		const notJson = await request('/api/v1/sources', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{'
		});
		expect(notJson.status).toBe(422);
		const empty = await request('/api/v1/sources', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(empty.status).toBe(422);
		const body = await empty.json();
		expect(body.error.code).toBe('ValidationError');
		expect(body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
			'backend_identifier',
			'config_data',
			'name'
		]);
	});
});

describe('scope mappings', () => {
	it('creates, updates and deletes mappings, with the SDK’s three errors', async () => {
		const { client, scope, root } = await setup();
		const { id } = await client.createSource({
			name: 'mapped',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root }
		});
		const created = await client.createScopeMapping({
			id,
			scope_identifier: 'Project_A',
			scope_uuid: scope
		});
		expect(created).toEqual({
			scope_identifier: 'Project_A',
			scope_uuid: scope,
			scope_name: 'Default scope'
		});

		const again = await rejection(
			client.createScopeMapping({ id, scope_identifier: 'Project_A', scope_uuid: scope })
		);
		expect([again.code, again.status]).toEqual(['ScopeMappingAlreadyExists', 409]);
		const invalid = await rejection(
			client.createScopeMapping({
				id,
				scope_identifier: 'B',
				scope_uuid: '00000000-0000-4000-8000-000000000000'
			})
		);
		expect([invalid.code, invalid.status]).toEqual(['ScopeMappingInvalidScope', 422]);
		const invalidUpdate = await rejection(
			client.updateScopeMapping({
				id,
				scope_identifier: 'Project_A',
				scope_uuid: '00000000-0000-4000-8000-000000000000'
			})
		);
		expect(invalidUpdate.code).toBe('ScopeMappingInvalidScope');
		const missing = await rejection(
			client.updateScopeMapping({ id, scope_identifier: 'Nope', scope_uuid: scope })
		);
		expect([missing.code, missing.status]).toEqual(['ScopeMappingNotFound', 404]);

		expect(
			await client.updateScopeMapping({ id, scope_identifier: 'Project_A', scope_uuid: scope })
		).toEqual(created);
		expect(await client.listScopeMappings({ id })).toEqual([created]);
		expect(await client.deleteScopeMapping({ id, scope_identifier: 'Project_A' })).toEqual(created);
		expect(
			(await rejection(client.deleteScopeMapping({ id, scope_identifier: 'Project_A' }))).code
		).toBe('ScopeMappingNotFound');
		expect(await client.listScopeMappings({ id })).toEqual([]);
	});

	it('keeps the source counters equal to what the items table says, through every change', async () => {
		const { client, scope, root, db } = await setup();
		const { id } = await client.createSource({
			name: 'counted',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: root }
		});
		const insert = db.prepare(
			`INSERT INTO items (source_id, data_identifier, dataset_uuid, scope_identifier, synchronized, error, unmapped)
			VALUES (?, ?, 'u', ?, ?, ?, 1)`
		);
		for (let i = 0; i < 30; i++)
			insert.run(
				id,
				`P${i % 3}/r${i}`,
				`P${i % 3}`,
				i % 2,
				i % 5 === 0 && i % 2 === 0 ? 'boom' : null
			);
		const counted = () =>
			db
				.prepare(
					`SELECT COUNT(*) AS items_total, SUM(synchronized) AS items_synced, SUM(failed) AS items_failed,
						SUM(unmapped) AS items_unmapped_scope_count, SUM(missing) AS items_missing
					FROM items WHERE source_id = ?`
				)
				.get(id);
		const expectConsistent = async () =>
			expect(await client.getSource({ id })).toMatchObject(counted() as object);
		await expectConsistent();
		await client.createScopeMapping({ id, scope_identifier: 'P1', scope_uuid: scope });
		await expectConsistent();
		await client.resetSourceItems({ id, include_successful: false });
		await expectConsistent();
		await client.resetSourceItems({ id, include_successful: true });
		await expectConsistent();
		db.prepare('DELETE FROM items WHERE source_id = ? AND data_identifier LIKE ?').run(id, 'P2/%');
		await expectConsistent();
		// The items were inserted without a root: of another folder than the source's, so missing.
		await client.updateSource({ id, default_scope: scope });
		await expectConsistent();
		expect(await client.getSource({ id })).toMatchObject({
			items_unmapped_scope_count: 0,
			items_failed: 0,
			items_missing: 20
		});
	});
});

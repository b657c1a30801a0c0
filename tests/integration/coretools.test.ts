/**
 * The Core-Tools backend against a real PostgreSQL server (a throwaway cluster per file, a
 * database per test), measurements written the way Core-Tools writes them: projects mapped
 * through autoassign and by hand, one waiting unmapped, a measurement followed while it runs,
 * and a server that goes away and comes back.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished, vi } from 'vitest';
import { CoretoolsWriter } from '../coretools-database';
import { startPostgresCluster, type PostgresCluster } from '../postgres-cluster';
import { rejection, startAgent } from './harness';
import { manifestOf } from './datasets';
import { readExport } from './xarray-export';
import path from 'node:path';

const CORETOOLS = 'etiket_sync_agent_coretools';
const SLOW = { timeout: 20_000, interval: 100 };
const SPIN = '11111111-1111-4111-8111-111111111111';
const REFERENCE = '22222222-2222-4222-8222-222222222222';

let cluster: PostgresCluster;
beforeAll(async () => {
	cluster = await startPostgresCluster();
});
afterAll(() => cluster?.remove());

let databases = 0;
/** A database of its own for the test, with Core-Tools' schema, and a writer for it. */
async function coretoolsDatabase(on: PostgresCluster = cluster) {
	const dbname = `coretools_${process.pid}_${++databases}`;
	await on.createDatabase(dbname);
	const client = await on.connect(dbname);
	// The server may be stopped under it: the query in flight reports that.
	client.on('error', () => {});
	onTestFinished(() => client.end().catch(() => {}));
	const writer = new CoretoolsWriter(client);
	await writer.createSchema();
	const config = {
		host: on.host,
		port: on.port,
		dbname,
		user: on.user,
		password: on.password
	};
	return { writer, config, client };
}

async function coretoolsAgent(config: Record<string, unknown>) {
	const agent = await startAgent({
		QH_SCOPES: JSON.stringify([
			{ uuid: SPIN, name: 'Spin qubits' },
			{ uuid: REFERENCE, name: 'Reference samples' }
		])
	});
	const source = await agent.client.createSource({
		name: 'core tools',
		backend_identifier: CORETOOLS,
		config_data: config,
		autoassign_scope_mapping: true
	});
	await agent.client.startAgent();
	const items = async () =>
		new Map(
			(await agent.client.listSourceItems({ id: source.id })).items.map((item) => [
				item.data_identifier,
				item
			])
		);
	const untilSource = (expected: Record<string, unknown>) =>
		vi.waitFor(
			async () => expect(await agent.client.getSource({ id: source.id })).toMatchObject(expected),
			SLOW
		);
	const stored = (scope: string, datasetUuid: string, name: string) =>
		path.join(agent.settings.storeDir, scope, datasetUuid, 'files', name);
	return { ...agent, source, items, untilSource, stored };
}

describe('the Core-Tools backend', () => {
	it(
		'syncs measurements by project: autoassigned, mapped by hand, and one waiting until mapped',
		{ timeout: 60_000 },
		async () => {
			const { writer, config } = await coretoolsDatabase();
			const sweep = await writer.measurement({
				name: 'Pinch-off P1',
				project: 'Spin qubits',
				setUp: 'XLD',
				sample: 'SQ20-4',
				start: 1_700_000_000,
				keywords: ['vP1', 'I_sd'],
				starred: true,
				snapshot: { station: { instruments: { gates: { P1: 12.5 } } } },
				metadata: { cooldown: 3 },
				axes: [{ name: 'vP1', label: 'Plunger 1', unit: 'mV', values: [0, 1, 2, 3] }],
				measured: [{ name: 'I_sd', label: 'Current', unit: 'nA', value: ([i]) => i! * 1.5 }]
			});
			// Written before `measurement_parameters` existed: a parameter table of its own.
			const map = await writer.measurement({
				name: 'Charge stability',
				project: 'SQ-reference',
				start: 1_700_000_100,
				layout: 'old',
				axes: [
					{ name: 'vP1', unit: 'mV', values: [10, 20, 30] },
					{ name: 'vP2', unit: 'mV', values: [-1, 1] }
				],
				measured: [
					{ name: 'amp', unit: 'mV', value: ([x, y]) => x! * 10 + y! },
					{ name: 'phase', unit: 'rad', value: ([x, y]) => -(x! * 10 + y!) }
				]
			});
			const unmapped = await writer.measurement({
				name: 'Fridge log',
				project: 'Cryo',
				start: 1_700_000_200,
				axes: [{ name: 't', unit: 's', values: [0, 1] }],
				measured: [{ name: 'T_mc', unit: 'K', value: ([i]) => 0.01 * (i! + 1) }]
			});

			const { client, source, items, untilSource, stored, settings } = await coretoolsAgent(config);
			// "Spin qubits" is a scope's name: autoassigned. The other two wait.
			await untilSource({ items_total: 3, items_synced: 1, items_unmapped_scope_count: 2 });
			await client.createScopeMapping({
				id: source.id,
				scope_identifier: 'SQ-reference',
				scope_uuid: REFERENCE
			});
			await untilSource({ items_synced: 2, items_unmapped_scope_count: 1 });
			expect((await client.listUnmappedIdentifiers({ id: source.id })).items).toEqual([
				{ scope_identifier: 'Cryo', item_count: 1 }
			]);
			await client.createScopeMapping({
				id: source.id,
				scope_identifier: 'Cryo',
				scope_uuid: REFERENCE
			});
			await untilSource({ items_synced: 3, items_unmapped_scope_count: 0, items_failed: 0 });

			const byId = await items();
			const first = byId.get(String(sweep.id))!;
			expect(first.scope_identifier).toBe('Spin qubits');
			const manifest = manifestOf(settings.storeDir, SPIN, first.dataset_uuid) as ReturnType<
				typeof manifestOf
			> & { ranking: number };
			expect(manifest).toMatchObject({
				name: 'Pinch-off P1',
				// 64-bit, exactly: a double would round it.
				alt_uid: sweep.uuid,
				collected: new Date(1_700_000_000 * 1000).toISOString(),
				tags: ['vP1', 'I_sd'],
				attributes: { sample: 'SQ20-4', 'set-up': 'XLD', project: 'Spin qubits' },
				ranking: 1
			});
			expect(manifest.files.map((file) => file.name).sort()).toEqual([
				'measured_data.hdf5',
				'metadata.json',
				'snapshot.json'
			]);
			expect(
				JSON.parse(fs.readFileSync(stored(SPIN, first.dataset_uuid, 'snapshot.json'), 'utf8'))
			).toEqual({ station: { instruments: { gates: { P1: 12.5 } } } });
			expect(
				JSON.parse(fs.readFileSync(stored(SPIN, first.dataset_uuid, 'metadata.json'), 'utf8'))
			).toEqual({ cooldown: 3 });
			const sweepData = await readExport(stored(SPIN, first.dataset_uuid, 'measured_data.hdf5'));
			expect(sweepData.attrs).toMatchObject({
				title: 'Pinch-off P1',
				uuid: sweep.uuid,
				project: 'Spin qubits',
				sample_name: 'SQ20-4',
				set_up: 'XLD'
			});
			expect(sweepData.variable('vP1')).toMatchObject({
				dims: ['vP1'],
				values: [0, 1, 2, 3],
				units: 'mV',
				long_name: 'Plunger 1'
			});
			expect(sweepData.variable('I_sd')).toMatchObject({
				dims: ['vP1'],
				values: [0, 1.5, 3, 4.5],
				units: 'nA',
				long_name: 'Current'
			});

			const second = byId.get(String(map.id))!;
			const mapData = await readExport(
				stored(REFERENCE, second.dataset_uuid, 'measured_data.hdf5')
			);
			// Each measured parameter has setpoints of its own: equal ones are one coordinate.
			expect(mapData.names).toEqual(['amp', 'phase', 'vP1', 'vP2']);
			expect(mapData.variable('vP1').values).toEqual([10, 20, 30]);
			expect(mapData.variable('vP2').values).toEqual([-1, 1]);
			expect(mapData.variable('amp')).toMatchObject({
				dims: ['vP1', 'vP2'],
				shape: [3, 2],
				values: [0, 1, 10, 11, 20, 21],
				units: 'mV'
			});
			expect(mapData.variable('phase').values).toEqual([-0, -1, -10, -11, -20, -21]);
			// No snapshot, no metadata: Core-Tools stored `null` for both.
			expect(
				manifestOf(settings.storeDir, REFERENCE, second.dataset_uuid).files.map((file) => file.name)
			).toEqual(['measured_data.hdf5']);

			const third = byId.get(String(unmapped.id))!;
			const fridge = await readExport(stored(REFERENCE, third.dataset_uuid, 'measured_data.hdf5'));
			expect(fridge.variable('T_mc').values).toEqual([0.01, 0.02]);
			const detail = await client.getItem({ id: source.id, item_id: first.id });
			expect(detail.sync_record.dataset?.parameters).toEqual([
				{ name: 'vP1', long_name: 'Plunger 1', units: 'mV', dims: ['vP1'], shape: [4] },
				{ name: 'I_sd', long_name: 'Current', units: 'nA', dims: ['vP1'], shape: [4] }
			]);
		}
	);

	it(
		'follows a measurement while it runs, and syncs it whole once completed',
		{ timeout: 60_000 },
		async () => {
			const { writer, config } = await coretoolsDatabase();
			const running = await writer.measurement({
				name: 'Rabi',
				project: 'Spin qubits',
				start: 1_700_000_300,
				axes: [
					{ name: 'f', unit: 'Hz', values: [1, 2] },
					{ name: 't', unit: 's', values: [0, 1, 2] }
				],
				measured: [{ name: 'P', unit: '', value: ([f, t]) => f! * 10 + t! }],
				points: 2,
				completed: false
			});
			const { items, stored } = await coretoolsAgent(config);
			const exportOf = async () => {
				const item = (await items()).get(String(running.id))!;
				const file = stored(SPIN, item.dataset_uuid, 'measured_data.hdf5');
				expect(fs.existsSync(file)).toBe(true);
				return { item, data: await readExport(file) };
			};
			await vi.waitFor(async () => {
				const { item, data } = await exportOf();
				expect(item.live).toBe(true);
				expect(data.variable('P').values.slice(0, 2)).toEqual([0, 1]);
				expect(data.variable('P').values.slice(2).every(Number.isNaN)).toBe(true);
			}, SLOW);
			await running.writeUpTo(4);
			await vi.waitFor(async () => {
				const { data } = await exportOf();
				expect(data.variable('P').values.slice(0, 4)).toEqual([0, 1, 2, 10]);
			}, SLOW);
			await running.writeUpTo(6);
			await running.complete();
			await vi.waitFor(async () => {
				const { item, data } = await exportOf();
				expect(item).toMatchObject({ live: false, synchronized: true });
				expect(data.variable('P').values).toEqual([0, 1, 2, 10, 11, 12]);
				expect(data.variable('f').values).toEqual([1, 2]);
				expect(data.variable('t').values).toEqual([0, 1, 2]);
			}, SLOW);
		}
	);

	it(
		'puts the source in error while its server is down, never naming the password, and recovers by itself',
		{ timeout: 90_000 },
		async () => {
			// A cluster of its own: this test stops it.
			const own = await startPostgresCluster();
			onTestFinished(() => own.remove());
			const { writer, config } = await coretoolsDatabase(own);
			await writer.measurement({
				name: 'before',
				project: 'Spin qubits',
				start: 1_700_000_400,
				axes: [{ name: 'x', values: [0, 1] }],
				measured: [{ name: 'y', value: ([i]) => i! }]
			});
			const { client, source, untilSource, settings } = await coretoolsAgent(config);
			await untilSource({ items_synced: 1 });

			await own.stop();
			await untilSource({ status: 'error' });
			const [sourceError] = (await client.listSourceErrors({ id: source.id })).items;
			expect(sourceError!.message).toContain(`the Core-Tools database "${config.dbname}"`);
			expect(sourceError!.message).toContain('once the server answers');

			await own.start();
			await writer
				.measurement({
					name: 'after',
					project: 'Spin qubits',
					start: 1_700_000_500,
					axes: [{ name: 'x', values: [0, 1] }],
					measured: [{ name: 'y', value: ([i]) => i! }]
				})
				.catch(async () => {
					// The writer's connection died with the server: a new one writes.
					const fresh = new CoretoolsWriter(await own.connect(String(config.dbname)));
					onTestFinished(() => fresh.client.end());
					await fresh.measurement({
						name: 'after',
						project: 'Spin qubits',
						start: 1_700_000_500,
						axes: [{ name: 'x', values: [0, 1] }],
						measured: [{ name: 'y', value: ([i]) => i! }]
					});
				});
			await vi.waitFor(
				async () =>
					expect(await client.getSource({ id: source.id })).toMatchObject({
						status: expect.stringMatching(/^(syncing|synchronized|scanning)$/),
						items_synced: 2
					}),
				{ timeout: 30_000, interval: 200 }
			);

			// A wrong password: the server's refusal, never the password typed.
			const wrong = 'wrong-password-sentinel';
			await client.stopSource({ id: source.id });
			await client.updateSource({ id: source.id, config_data: { ...config, password: wrong } });
			await client.startSource({ id: source.id });
			await untilSource({ status: 'error' });
			const messages = (await client.listSourceErrors({ id: source.id })).items.map(
				(error) => error.message
			);
			expect(messages.some((message) => message.includes('password authentication failed'))).toBe(
				true
			);
			const everything = [
				JSON.stringify(await client.listSourceErrors({ id: source.id })),
				...[settings.apiLogFile, settings.agentLogFile]
					.filter((file) => fs.existsSync(file))
					.map((file) => fs.readFileSync(file, 'utf8'))
			].join('\n');
			expect(everything).toContain('password authentication failed');
			expect(everything).not.toContain(wrong);
			expect(everything).not.toContain(config.password);
		}
	);

	it('refuses a second source reading the same database, however the host is spelled', async () => {
		const { client } = await startAgent();
		const config = { host: 'db.lab', port: 5433, dbname: 'ct', user: 'a', password: 'pw-a' };
		await client.createSource({
			name: 'first',
			backend_identifier: CORETOOLS,
			config_data: config
		});
		const failure = await rejection(
			client.createSource({
				name: 'second',
				backend_identifier: CORETOOLS,
				config_data: { ...config, host: 'DB.LAB', user: 'b', password: 'pw-b' }
			})
		);
		expect(failure).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(failure.details).toEqual([
			{
				path: 'config_data.dbname',
				message: 'Source "first" already reads this database (ct on db.lab:5433)'
			}
		]);
		// Another database on the same server is another source's.
		await client.createSource({
			name: 'other',
			backend_identifier: CORETOOLS,
			config_data: { ...config, dbname: 'ct_archive' }
		});
	});
});

/**
 * The QCoDeS backend against databases written in QCoDeS' exact schema: every kind of run
 * exported and read back, the user's database left byte for byte as it was, running runs
 * followed, bad runs failing alone, a locked database waited for.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { rejection, sourceAgent } from './harness';
import { manifestOf, md5, tempDir } from './datasets';
import { QcodesWriter } from '../qcodes-database';
import { readExport } from './xarray-export';

const QCODES = 'etiket_sync_agent_qcodes';
const SLOW = { timeout: 20_000, interval: 100 };

async function qcodesAgent() {
	const agent = await sourceAgent(QCODES);
	return {
		...agent,
		dir: tempDir('qh-qcodes-'),
		start: (database: string, name = 'fridge db') =>
			agent.start({ database_path: database, set_up: 'fridge-1' }, name),
		stored: (datasetUuid: string, name = 'measured_data.hdf5') => agent.stored(datasetUuid, name)
	};
}

/** A measurement database as a lab has one: a kernel still connected (so a -wal exists). */
function labDatabase(dir: string) {
	const writer = new QcodesWriter(path.join(dir, 'experiments.db'));
	const exp = writer.experiment('cooldown_1', 'device_A');
	const sweep = writer.run({
		experiment: exp,
		name: 'IV sweep\nsecond line of the name',
		params: [
			{ name: 'gate', label: 'Gate voltage', unit: 'V' },
			{ name: 'current', label: 'Current', unit: 'A', dependsOn: ['gate'] }
		],
		rows: [0, 1, 2, 3, 4].map((v) => ({ gate: v * 0.1, current: v * v })),
		snapshot: '{"station": {"instruments": {}}}',
		metadata: { inspectr_tag: 'star' }
	});
	// A 2-D grid measured with the outer axis going down: exported sorted, as pandas does.
	const grid = writer.run({
		experiment: exp,
		name: 'charge stability',
		params: [
			{ name: 'x', unit: 'V' },
			{ name: 'y', unit: 'V' },
			{ name: 'z', unit: 'A', label: 'Sensor', dependsOn: ['x', 'y'] }
		],
		rows: [2, 1, 0].flatMap((x) => [0, 1].map((y) => ({ x, y, z: x * 10 + y })))
	});
	const spectrum = writer.run({
		experiment: exp,
		name: 'spectroscopy',
		params: [
			{ name: 'power', unit: 'dBm' },
			{ name: 'freq', type: 'array', unit: 'Hz' },
			{ name: 'signal', type: 'array', unit: 'V', dependsOn: ['power', 'freq'] }
		],
		rows: [-20, -10].map((power) => ({
			power,
			freq: Float64Array.from([1e9, 2e9, 3e9]),
			signal: Float64Array.from([1, 2, 3].map((f) => power + f))
		}))
	});
	const iq = writer.run({
		experiment: exp,
		name: 'IQ',
		params: [
			{ name: 't', unit: 's' },
			{ name: 'iq', type: 'complex', unit: 'V', dependsOn: ['t'] }
		],
		rows: [0, 1, 2].map((t) => ({ t, iq: { re: t, im: -t } }))
	});
	// Points anywhere in the plane, a second dependent in rows of its own, a NaN.
	const scatter = writer.run({
		experiment: exp,
		name: 'scattered',
		params: [
			{ name: 'a' },
			{ name: 'b' },
			{ name: 'c', dependsOn: ['a', 'b'] },
			{ name: 'd', dependsOn: ['a'] }
		],
		rows: [
			{ a: 0.1, b: 5, c: 1 },
			{ a: 0.7, b: 3, c: NaN },
			{ a: 0.2, b: 9, c: 3 },
			{ a: 0.1, d: 7 },
			{ a: 0.2, d: 8 }
		]
	});
	return { writer, runs: { sweep, grid, spectrum, iq, scatter } };
}

describe('the QCoDeS backend', () => {
	it(
		'syncs every run as an xarray-readable export, leaving the database and its -wal as they were',
		{ timeout: 60_000 },
		async () => {
			const { client, scope, settings, dir, start, items, stored, untilSource } =
				await qcodesAgent();
			const { writer, runs } = labDatabase(dir);
			const database = writer.file;
			const before = { db: md5(database), wal: md5(`${database}-wal`) };
			const source = await start(database);
			await untilSource(source.id, {
				items_total: 5,
				items_synced: 5,
				items_failed: 0
			});
			expect({ db: md5(database), wal: md5(`${database}-wal`) }).toEqual(before);

			const byRun = await items(source.id);
			const sweepItem = byRun.get(String(runs.sweep))!;
			expect(sweepItem.scope_identifier).toBe('cooldown_1');
			const manifest = manifestOf(settings.storeDir, scope, sweepItem.dataset_uuid) as ReturnType<
				typeof manifestOf
			> & { description: string; ranking: number; live: boolean };
			const guid = writer.db
				.prepare('SELECT guid FROM runs WHERE run_id = ?')
				.pluck()
				.get(runs.sweep);
			expect(manifest).toMatchObject({
				name: 'IV sweep',
				alt_uid: guid,
				tags: ['Gate voltage', 'Current'],
				attributes: { sample: 'device_A', 'set-up': 'fridge-1', inspectr_tag: 'star' },
				ranking: 1,
				live: false,
				description: `database : ${database} | run ID : ${runs.sweep} | GUID : ${guid} | exp name : cooldown_1`
			});
			expect(manifest.files.map((file) => file.name).sort()).toEqual([
				'measured_data.hdf5',
				'snapshot.json'
			]);
			expect(fs.readFileSync(stored(sweepItem.dataset_uuid, 'snapshot.json'), 'utf8')).toBe(
				'{"station": {"instruments": {}}}'
			);
			const sweep = await readExport(stored(sweepItem.dataset_uuid));
			expect(sweep.names).toEqual(['current', 'gate']);
			expect(sweep.attrs).toMatchObject({
				guid,
				run_id: runs.sweep,
				exp_name: 'cooldown_1',
				sample_name: 'device_A',
				inspectr_tag: 'star'
			});
			expect(sweep.variable('gate')).toMatchObject({
				dims: ['gate'],
				values: [0, 0.1, 0.2, 0.30000000000000004, 0.4],
				units: 'V',
				long_name: 'Gate voltage'
			});
			expect(sweep.variable('current')).toMatchObject({
				dims: ['gate'],
				values: [0, 1, 4, 9, 16],
				units: 'A',
				long_name: 'Current'
			});

			const grid = await readExport(stored(byRun.get(String(runs.grid))!.dataset_uuid));
			expect(grid.variable('x')).toMatchObject({ values: [0, 1, 2], units: 'V' });
			expect(grid.variable('y')).toMatchObject({ values: [0, 1] });
			expect(grid.variable('z')).toMatchObject({
				dims: ['x', 'y'],
				shape: [3, 2],
				values: [0, 1, 10, 11, 20, 21],
				long_name: 'Sensor'
			});

			const spectrum = await readExport(stored(byRun.get(String(runs.spectrum))!.dataset_uuid));
			expect(spectrum.variable('freq').values).toEqual([1e9, 2e9, 3e9]);
			expect(spectrum.variable('power').values).toEqual([-20, -10]);
			expect(spectrum.variable('signal')).toMatchObject({
				dims: ['power', 'freq'],
				values: [-19, -18, -17, -9, -8, -7],
				units: 'V'
			});

			const iq = await readExport(stored(byRun.get(String(runs.iq))!.dataset_uuid));
			expect(iq.variable('iq')).toMatchObject({
				dims: ['t'],
				values: [
					{ re: 0, im: -0 },
					{ re: 1, im: -1 },
					{ re: 2, im: -2 }
				]
			});

			const scatter = await readExport(stored(byRun.get(String(runs.scatter))!.dataset_uuid));
			expect(scatter.variable('c')).toMatchObject({ dims: ['point'], shape: [3] });
			expect(scatter.variable('c').values.slice(0, 1)).toEqual([1]);
			expect(scatter.variable('c').values[1]).toBeNaN();
			expect(scatter.variable('a')).toMatchObject({ dims: ['point'], values: [0.1, 0.7, 0.2] });
			expect(scatter.variable('b')).toMatchObject({ dims: ['point'], values: [5, 3, 9] });
			// `d` was measured in rows of its own, at other values of `a`: a point index of its own.
			expect(scatter.variable('d')).toMatchObject({ dims: ['point_2'], values: [7, 8] });
			expect(scatter.variable('a_point_2')).toMatchObject({
				dims: ['point_2'],
				values: [0.1, 0.2]
			});
			const sweepDetail = await client.getItem({ id: source.id, item_id: sweepItem.id });
			expect(sweepDetail.sync_record.dataset).toEqual({
				name: 'IV sweep',
				collected: manifest.collected,
				description: manifest.description,
				tags: ['Gate voltage', 'Current'],
				attributes: { sample: 'device_A', 'set-up': 'fridge-1', inspectr_tag: 'star' },
				parameters: [
					{ name: 'gate', long_name: 'Gate voltage', units: 'V', dims: ['gate'], shape: [5] },
					{ name: 'current', long_name: 'Current', units: 'A', dims: ['gate'], shape: [5] }
				]
			});
			const detail = await client.getItem({
				id: source.id,
				item_id: byRun.get(String(runs.scatter))!.id
			});
			expect(detail.sync_record.logs.map((entry) => entry.message)).toContainEqual(
				expect.stringMatching(/"c" is not measured on a grid of "a" × "b": exported as flat arrays/)
			);
			writer.close();
		}
	);

	it(
		'follows a running run as it grows, and syncs it once it completes',
		{ timeout: 60_000 },
		async () => {
			const { client, scope, settings, dir, start, items, stored } = await qcodesAgent();
			const writer = new QcodesWriter(path.join(dir, 'running.db'));
			const params = [
				{ name: 'time', unit: 's' },
				{ name: 'signal', unit: 'V', dependsOn: ['time'] }
			];
			const run = writer.run({
				name: 'overnight',
				params,
				rows: [0, 1].map((time) => ({ time, signal: time * 2 })),
				completed: false
			});
			const source = await start(writer.file);
			const points = async () => {
				const item = (await items(source.id)).get(String(run))!;
				const manifest = manifestOf(settings.storeDir, scope, item.dataset_uuid) as {
					live?: boolean;
				};
				const data = await readExport(stored(item.dataset_uuid));
				return { live: item.live, manifestLive: manifest.live, time: data.variable('time').values };
			};
			await vi.waitFor(
				async () =>
					expect(await points()).toEqual({ live: true, manifestLive: true, time: [0, 1] }),
				SLOW
			);
			writer.addRows(run, [{ time: 2, signal: 4 }]);
			await vi.waitFor(
				async () =>
					expect(await points()).toEqual({ live: true, manifestLive: true, time: [0, 1, 2] }),
				SLOW
			);
			writer.addRows(run, [{ time: 3, signal: 6 }]);
			writer.complete(run);
			await vi.waitFor(
				async () =>
					expect(await points()).toEqual({ live: false, manifestLive: false, time: [0, 1, 2, 3] }),
				SLOW
			);
			expect(await client.getSource({ id: source.id })).toMatchObject({
				items_synced: 1,
				items_failed: 0
			});
			writer.close();
		}
	);

	it('finalizes a run abandoned without completing, with a note', { timeout: 60_000 }, async () => {
		const { client, scope, settings, dir, start, items, untilSource } = await qcodesAgent();
		const writer = new QcodesWriter(path.join(dir, 'crashed.db'), { wal: false });
		const run = writer.run({
			name: 'crashed',
			params: [{ name: 'x' }],
			rows: [{ x: 1 }],
			completed: false
		});
		writer.close();
		// Nothing written for eleven minutes: the kernel that ran it is gone.
		const past = new Date(Date.now() - 11 * 60_000);
		fs.utimesSync(writer.file, past, past);
		const source = await start(writer.file);
		await untilSource(source.id, { items_synced: 1 });
		const item = (await items(source.id)).get(String(run))!;
		expect(item.live).toBe(false);
		expect(manifestOf(settings.storeDir, scope, item.dataset_uuid)).toMatchObject({ live: false });
		const detail = await client.getItem({ id: source.id, item_id: item.id });
		expect(detail.sync_record.logs.map((entry) => entry.message)).toContainEqual(
			`Run ${run} never completed: no new results for 10 minutes, so it is synced as it is (1 points)`
		);
	});

	it(
		'fails only the runs it cannot read, naming them; reads a database from before guids and run descriptions',
		{ timeout: 60_000 },
		async () => {
			const { dir, start, items, stored, untilSource } = await qcodesAgent();
			const writer = new QcodesWriter(path.join(dir, 'old.db'), { version: 0, wal: false });
			const good = writer.run({
				name: 'old sweep',
				params: [
					{ name: 'v', unit: 'V' },
					{ name: 'i', unit: 'A', dependsOn: ['v'] }
				],
				rows: [1, 2].map((v) => ({ v, i: v / 10 }))
			});
			const corrupt = writer.run({
				name: 'corrupt',
				params: [
					{ name: 'f', type: 'array' },
					{ name: 's', type: 'array', dependsOn: ['f'] }
				]
			});
			writer.db
				.prepare('INSERT INTO "corrupt-1-2" (f, s) VALUES (?, ?)')
				.run(Buffer.from('\x93NUMPY\x03\x00garbage', 'latin1'), Buffer.from('not numpy'));
			const tableless = writer.run({ name: 'lost', params: [{ name: 'q' }] });
			writer.db.exec('DROP TABLE "lost-1-3"');
			const source = await start(writer.file);
			await untilSource(source.id, {
				items_synced: 1,
				items_failed: 2
			});
			const byRun = await items(source.id);
			expect(byRun.get(String(corrupt))!.error).toMatch(
				new RegExp(
					`^Run ${corrupt}, table "corrupt-1-2": row 1, parameter "s": not a NumPy \\.npy value`
				)
			);
			expect(byRun.get(String(tableless))!.error).toBe(
				`Run ${tableless}: its results table "lost-1-3" is not in ${writer.file}`
			);
			const old = await readExport(stored(byRun.get(String(good))!.dataset_uuid));
			expect(old.variable('i')).toMatchObject({ dims: ['v'], values: [0.1, 0.2], units: 'A' });
			expect(old.attrs.guid).toBeUndefined();
			writer.close();
		}
	);

	it(
		'waits for a database locked by its writer instead of failing, then syncs',
		{ timeout: 60_000 },
		async () => {
			const { client, dir, start, untilSource, settings } = await qcodesAgent();
			const writer = new QcodesWriter(path.join(dir, 'journal.db'), { wal: false });
			writer.run({ name: 'first', params: [{ name: 'x' }], rows: [{ x: 1 }] });
			const source = await start(writer.file);
			await untilSource(source.id, { items_synced: 1 });
			writer.db.exec('BEGIN EXCLUSIVE');
			writer.db.exec(`UPDATE runs SET name = 'renamed' WHERE run_id = 1`);
			// A reset makes the run due while the lock holds: its read meets the lock too.
			await client.resetSourceItems({ id: source.id, include_successful: true });
			// Long enough for several cycles to meet the lock.
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect(await client.getSource({ id: source.id })).toMatchObject({
				status: expect.not.stringMatching(/error/),
				items_synced: 0,
				items_failed: 0
			});
			const [waiting] = (await client.listSourceItems({ id: source.id })).items;
			expect(waiting).toMatchObject({ synchronized: false, error: null, attempts: 0 });
			expect(waiting!.next_attempt_at).not.toBeNull();
			writer.db.exec('COMMIT');
			writer.run({ name: 'second', params: [{ name: 'x' }], rows: [{ x: 2 }] });
			await untilSource(source.id, {
				items_total: 2,
				items_synced: 2,
				items_failed: 0
			});
			writer.close();
			// The lock met every cycle is logged once, then once with how often it came again.
			const log = fs.readFileSync(settings.agentLogFile, 'utf8');
			const locked = log.split('\n').filter((line) => /Source "[^"]+": .*lock/i.test(line));
			expect(locked.length).toBeGreaterThanOrEqual(1);
			expect(locked.filter((line) => !/more times since/.test(line)).length).toBeLessThanOrEqual(2);
			expect(log).toMatch(/Source "[^"]+": \d+ more times since: /);
		}
	);

	it(
		'waits for a database that vanished (a drive unplugged), its runs not missing, and syncs again once it is back',
		{ timeout: 60_000 },
		async () => {
			const { client, dir, start, untilSource } = await qcodesAgent();
			const writer = new QcodesWriter(path.join(dir, 'usb.db'), { wal: false });
			writer.run({ name: 'first', params: [{ name: 'x' }], rows: [{ x: 1 }] });
			writer.close();
			const source = await start(writer.file);
			await untilSource(source.id, { items_synced: 1 });
			fs.renameSync(writer.file, `${writer.file}.away`);
			await untilSource(source.id, {
				status: 'error',
				items_missing: 0
			});
			const [error] = (await client.listSourceErrors({ id: source.id })).items;
			expect(error!.message).toBe(
				`The file ${writer.file} does not exist or is not a file; the source runs again by itself once it is back`
			);
			fs.renameSync(`${writer.file}.away`, writer.file);
			const back = new QcodesWriter(writer.file, { wal: false, schema: false });
			back.run({ name: 'second', params: [{ name: 'x' }], rows: [{ x: 2 }] });
			back.close();
			await untilSource(source.id, {
				items_total: 2,
				items_synced: 2
			});
		}
	);

	it('refuses a file that is not a QCoDeS database, and a database another source reads', async () => {
		const { client, scope, dir } = await qcodesAgent();
		const create = (database: string, name = 'db') =>
			client.createSource({
				name,
				backend_identifier: QCODES,
				config_data: { database_path: database, set_up: 'fridge-1' },
				default_scope: scope
			});
		const text = path.join(dir, 'notes.db');
		fs.writeFileSync(
			text,
			'not a database at all, just some text that is long enough\n'.repeat(20)
		);
		const other = path.join(dir, 'other.db');
		new QcodesWriter(other).db.exec('DROP TABLE experiments');
		const messages = async (database: string, name?: string) =>
			(await rejection(create(database, name))) as { details: { path: string; message: string }[] };
		expect((await messages(text)).details).toEqual([
			{ path: 'config_data.database_path', message: `${text} is not an SQLite database` }
		]);
		expect((await messages(other)).details).toEqual([
			{
				path: 'config_data.database_path',
				message: `${other} is an SQLite database without QCoDeS's experiments table`
			}
		]);
		expect((await messages(dir)).details).toEqual([
			{ path: 'config_data.database_path', message: `${dir} is not a file` }
		]);
		const good = new QcodesWriter(path.join(dir, 'good.db'));
		good.close();
		await create(good.file, 'first');
		expect((await messages(good.file, 'second')).details).toEqual([
			{
				path: 'config_data.database_path',
				message: `Source "first" already reads this database (${good.file})`
			}
		]);
	});
});

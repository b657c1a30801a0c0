/**
 * Quantify's live replication: a writer process fills a dataset over seconds, rewriting its
 * file in place as Quantify does, and the store's copy follows it, readable at every step,
 * until one of the three completion rules ends it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { readQuantifyDataset } from '../../src/agent/backends/quantify/read-dataset';
import { measuredValue, writeQuantifyDataset } from '../quantify-live-writer';
import { agentWithScope } from './harness';
import { manifestOf, tempDir } from './datasets';
import { readExport } from './xarray-export';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SLOW = { timeout: 20_000, interval: 100 };

/** A Quantify folder with one dataset folder of today's date, and its data file's path. */
function quantifyFolder(name = 'live sweep', time = '120000') {
	const root = tempDir('qh-quantify-live-');
	const day = new Date().toISOString().slice(0, 10).replaceAll('-', '');
	const folder = path.join(root, day, `${day}-${time}-000-abcdef-${name}`);
	fs.mkdirSync(folder, { recursive: true });
	return { root, day, file: path.join(folder, 'dataset.hdf5') };
}

/** Runs the writer process: `points` points, one every `interval` ms, `measure` of them. */
function startWriter(file: string, points: number, interval: number, measure = points) {
	const child = spawn(
		process.execPath,
		[
			'--import',
			'tsx',
			'tests/quantify-live-writer.ts',
			file,
			String(points),
			String(interval),
			String(measure)
		],
		{ cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }
	);
	let measured = -1;
	child.stdout.on('data', (chunk: Buffer) => {
		const last = /measured (\d+)\s*$/.exec(chunk.toString());
		if (last) measured = Number(last[1]);
	});
	onTestFinished(() => {
		child.kill();
	});
	return { child, measured: () => measured, done: once(child, 'exit') };
}

async function liveAgent(root: string, env: Record<string, string> = {}) {
	const agent = await agentWithScope(env);
	const source = await agent.client.createSource({
		name: 'quantify',
		backend_identifier: 'etiket_sync_agent_quantify',
		config_data: { quantify_directory: root, set_up: 'fridge_1' },
		default_scope: agent.scope
	});
	await agent.client.startAgent();
	const item = async (query = 'live sweep') =>
		(await agent.client.listSourceItems({ id: source.id, query })).items[0];
	const storedFile = (datasetUuid: string) =>
		path.join(agent.settings.storeDir, agent.scope, datasetUuid, 'files', 'dataset.hdf5');
	return { ...agent, source, item, storedFile };
}

describe('Quantify live replication', () => {
	it(
		'follows a dataset as it fills, its copy readable at every step, and syncs it whole once every NaN is filled',
		{ timeout: 60_000 },
		async () => {
			const { root, file } = quantifyFolder();
			await writeQuantifyDataset(file, 20, 0);
			const { client, source, item, storedFile, settings, scope } = await liveAgent(root);
			await vi.waitFor(async () => expect((await item())?.live).toBe(true), SLOW);
			const writer = startWriter(file, 20, 400);

			// While it is written, the store's copy is always a whole, readable dataset that grows.
			const fills: number[] = [];
			const uuid = (await item())!.dataset_uuid;
			while (writer.child.exitCode === null) {
				const copy = storedFile(uuid);
				if (fs.existsSync(copy)) {
					const { filled } = await readQuantifyDataset(copy);
					fills.push(filled);
				}
				await new Promise((resolve) => setTimeout(resolve, 200));
			}
			expect(fills.length).toBeGreaterThan(10);
			expect([...fills].sort((a, b) => a - b)).toEqual(fills);
			expect(new Set(fills.filter((fill) => fill > 0 && fill < 1)).size).toBeGreaterThan(5);

			await vi.waitFor(
				async () => expect(await item()).toMatchObject({ live: false, synchronized: true }),
				SLOW
			);
			const stored = storedFile(uuid);
			expect(fs.readFileSync(stored).equals(fs.readFileSync(file))).toBe(true);
			const data = await readExport(stored);
			expect(data.variable('y0').values).toEqual(
				Array.from({ length: 20 }, (_, i) => measuredValue(i))
			);
			expect(manifestOf(settings.storeDir, scope, uuid)).toMatchObject({
				live: false,
				files: [{ name: 'dataset.hdf5', version: 1 }]
			});
			// The moments of the live dataset were replaced, never kept as versions.
			expect(fs.readdirSync(path.dirname(stored))).toEqual(['dataset.hdf5']);
			expect((await client.getSource({ id: source.id })).items_failed).toBe(0);
		}
	);

	it(
		'shows a live item with its fill in the item and its manifest, and ends it once the file is left alone',
		{ timeout: 60_000 },
		async () => {
			const { root, file } = quantifyFolder();
			const { item, storedFile, settings, scope } = await liveAgent(root, {
				QH_LIVE_IDLE_SECONDS: '5'
			});
			const writer = startWriter(file, 20, 200, 5);
			await writer.done;
			await vi.waitFor(async () => {
				expect(await item()).toMatchObject({ live: true, live_fill: 0.25 });
				const manifest = manifestOf(settings.storeDir, scope, (await item())!.dataset_uuid);
				expect(manifest).toMatchObject({ live: true, live_fill: 0.25 });
			}, SLOW);
			// Five seconds without a write: complete as it is, NaN and all.
			await vi.waitFor(
				async () =>
					expect(await item()).toMatchObject({ live: false, live_fill: null, synchronized: true }),
				SLOW
			);
			const { dataset_uuid: uuid } = (await item())!;
			expect(manifestOf(settings.storeDir, scope, uuid).live).toBe(false);
			const { filled } = await readQuantifyDataset(storedFile(uuid));
			expect(filled).toBe(0.25);
		}
	);

	it(
		'follows two live datasets at once, one per set-up, each to its end',
		{ timeout: 60_000 },
		async () => {
			const fridges = [quantifyFolder(), quantifyFolder()];
			const { client, scope, settings } = await agentWithScope();
			const sources: { id: number }[] = [];
			for (const [i, { root }] of fridges.entries()) {
				sources.push(
					await client.createSource({
						name: `fridge ${i + 1}`,
						backend_identifier: 'etiket_sync_agent_quantify',
						config_data: { quantify_directory: root, set_up: `fridge_${i + 1}` },
						default_scope: scope
					})
				);
			}
			await client.startAgent();
			// Each writer measures a third of its points, then waits (a slow measurement).
			const writers = fridges.map(({ file }) => startWriter(file, 12, 100, 4));
			const items = () =>
				Promise.all(sources.map(async ({ id }) => (await client.listSourceItems({ id })).items[0]));
			await Promise.all(writers.map((writer) => writer.done));
			// Both are live at once, each stored as far as it is measured.
			await vi.waitFor(async () => {
				const both = await items();
				expect(both.map((item) => [item?.live, item?.live_fill])).toEqual([
					[true, 4 / 12],
					[true, 4 / 12]
				]);
			}, SLOW);
			// Both measure the rest.
			for (const { file } of fridges) await writeQuantifyDataset(file, 12, 12);
			await vi.waitFor(async () => {
				const both = await items();
				expect(both.map((item) => [item!.live, item!.synchronized])).toEqual([
					[false, true],
					[false, true]
				]);
			}, SLOW);
			for (const [i, item] of (await items()).entries()) {
				const stored = path.join(
					settings.storeDir,
					scope,
					item!.dataset_uuid,
					'files',
					'dataset.hdf5'
				);
				expect(fs.readFileSync(stored).equals(fs.readFileSync(fridges[i]!.file))).toBe(true);
			}
		}
	);

	it(
		'ends a live dataset as soon as a newer dataset folder appears',
		{ timeout: 60_000 },
		async () => {
			const { root, day, file } = quantifyFolder();
			await writeQuantifyDataset(file, 20, 3);
			const { item } = await liveAgent(root);
			await vi.waitFor(async () => expect((await item())?.live).toBe(true), SLOW);
			const next = quantifyFolder('next', '130000');
			fs.cpSync(path.join(next.root, day), path.join(root, day), { recursive: true });
			await writeQuantifyDataset(
				path.join(root, day, path.basename(path.dirname(next.file)), 'dataset.hdf5'),
				5,
				5
			);
			await vi.waitFor(
				async () => expect(await item()).toMatchObject({ live: false, synchronized: true }),
				SLOW
			);
			expect((await item('next'))?.live).toBe(false);
		}
	);

	it(
		'survives an agent stopped mid-replication, a live file cut short and one deleted, without a half-written copy',
		{ timeout: 60_000 },
		async () => {
			const { root, file } = quantifyFolder();
			await writeQuantifyDataset(file, 50, 0);
			const { client, source, item, storedFile } = await liveAgent(root);
			await vi.waitFor(async () => expect((await item())?.live).toBe(true), SLOW);
			const writer = startWriter(file, 50, 50, 30);
			await vi.waitFor(() => expect(writer.measured()).toBeGreaterThan(10), SLOW);
			await client.stopAgent();
			const uuid = (await item())!.dataset_uuid;
			// What is stored is a whole dataset, however far it got.
			expect((await readQuantifyDataset(storedFile(uuid))).filled).toBeGreaterThan(0);
			await writer.done;

			await client.startAgent();
			// Caught mid-rewrite: cut short, then gone.
			fs.truncateSync(file, 100);
			await new Promise((resolve) => setTimeout(resolve, 1500));
			expect((await readQuantifyDataset(storedFile(uuid))).filled).toBeGreaterThan(0);
			expect((await item())?.error).toBeNull();
			fs.rmSync(file);
			await vi.waitFor(
				async () => expect((await client.getSource({ id: source.id })).status).not.toBe('error'),
				SLOW
			);
			await vi.waitFor(async () => expect((await item())?.live).toBe(false), SLOW);
			expect((await readQuantifyDataset(storedFile(uuid))).filled).toBeGreaterThan(0);
		}
	);
});

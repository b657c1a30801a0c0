/**
 * Item previews over real HTTP: a million points reduced to a small line, a grid to a heat
 * map of at most 200 × 200 cells, a flat Quantify-style 2-D sweep gridded, and a data file
 * that cannot be read shown as a message, never an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeXarrayHdf5 } from '../../src/agent/files/xarray-hdf5';
import { sourceAgent } from './harness';
import { tempDir, writeDataset } from './datasets';

const FOLDERBASE = 'etiket_sync_agent_folderbase';

/** A folder-base source whose one dataset holds `data.hdf5`, written by `write`, synced. */
async function previewOf(write: (file: string) => Promise<void> | void, variable?: string) {
	const agent = await sourceAgent(FOLDERBASE);
	const root = tempDir();
	const dir = writeDataset(root, 'P/run', {});
	await write(path.join(dir, 'data.hdf5'));
	const source = await agent.start({ root_directory: root }, 'previews');
	await agent.untilSource(source.id, { items_synced: 1 });
	const [item] = (await agent.client.listSourceItems({ id: source.id })).items;
	const response = await agent.request(
		`/api/v1/sources/${source.id}/items/${item!.id}/preview${variable ? `?variable=${variable}` : ''}`
	);
	expect(response.status).toBe(200);
	const text = await response.text();
	return {
		bytes: text.length,
		preview: await agent.client.getItemPreview({ id: source.id, item_id: item!.id, variable })
	};
}

describe('item previews', () => {
	it(
		'reduces a million points to a line of at most 800 columns, with its uncertainty band',
		{ timeout: 60_000 },
		async () => {
			const n = 1_000_000;
			const { preview, bytes } = await previewOf((file) =>
				writeXarrayHdf5(file, {
					attributes: {},
					dimensions: [
						{
							name: 't',
							values: Float64Array.from({ length: n }, (_, i) => i),
							attributes: { units: 's' }
						}
					],
					variables: [
						{
							name: 'v',
							dims: ['t'],
							values: Float64Array.from({ length: n }, (_, i) => Math.sin(i / 1e4)),
							attributes: { units: 'V', long_name: 'Voltage' }
						},
						{ name: 'v_u', dims: ['t'], values: new Float64Array(n).fill(0.1), attributes: {} }
					]
				})
			);
			expect(bytes).toBeLessThan(100_000);
			expect(preview.variables.map((v) => v.name)).toEqual(['v']);
			const plot = preview.plot;
			if (plot.kind !== 'line') throw new Error(plot.kind);
			expect(plot).toMatchObject({ points: n, measured: n, x: { name: 't', min: 0, max: n - 1 } });
			expect(plot.y.low).toHaveLength(800);
			// The envelope keeps the extremes: a sine reaches ±1.
			expect(Math.min(...plot.y.low.map((v) => v ?? Infinity))).toBeCloseTo(-1, 3);
			expect(Math.max(...plot.y.high.map((v) => v ?? -Infinity))).toBeCloseTo(1, 3);
			expect(Math.max(...plot.band!.high.map((v) => v ?? -Infinity))).toBeCloseTo(1.1, 3);
		}
	);

	it('averages a 1000 × 1000 grid into 200 × 200 cells', { timeout: 60_000 }, async () => {
		const side = 1000;
		const { preview, bytes } = await previewOf((file) =>
			writeXarrayHdf5(file, {
				attributes: {},
				dimensions: [
					{ name: 'y', values: Float64Array.from({ length: side }, (_, i) => i), attributes: {} },
					{ name: 'x', values: Float64Array.from({ length: side }, (_, i) => -i), attributes: {} }
				],
				variables: [
					{
						name: 'z',
						dims: ['y', 'x'],
						values: Float64Array.from({ length: side * side }, (_, i) => Math.floor(i / side)),
						attributes: {}
					}
				]
			})
		);
		expect(bytes).toBeLessThan(100_000);
		const plot = preview.plot;
		if (plot.kind !== 'heatmap') throw new Error(plot.kind);
		expect(plot).toMatchObject({
			width: 200,
			height: 200,
			points: side * side,
			x: { name: 'x', min: -999, max: 0 },
			y: { name: 'y' },
			z: { min: 2, max: 997 }
		});
		const cells = Buffer.from(plot.cells, 'base64');
		// z is the row: the first row of cells lowest (0), the last highest (254).
		expect([cells[0], cells[199], cells[200 * 199]]).toEqual([0, 0, 254]);
	});

	it('grids a flat sweep of two settables, as Quantify stores it', async () => {
		const xs = [0, 1, 2];
		const ys = [10, 20];
		const x0 = ys.flatMap(() => xs);
		const x1 = ys.flatMap((y) => xs.map(() => y));
		const { preview } = await previewOf((file) =>
			writeXarrayHdf5(file, {
				attributes: {},
				dimensions: [{ name: 'dim_0', values: Float64Array.from(x0, (_, i) => i), attributes: {} }],
				variables: [
					{
						name: 'x0',
						dims: ['dim_0'],
						values: Float64Array.from(x0),
						attributes: { units: 'V' }
					},
					{
						name: 'x1',
						dims: ['dim_0'],
						values: Float64Array.from(x1),
						attributes: { units: 'V' }
					},
					{
						name: 'y0',
						dims: ['dim_0'],
						values: Float64Array.from(x0, (x, i) => x + x1[i]!),
						attributes: { coordinates: 'x0 x1', units: 'A' }
					}
				]
			})
		);
		const plot = preview.plot;
		if (plot.kind !== 'heatmap') throw new Error(plot.kind);
		expect(plot).toMatchObject({
			width: 3,
			height: 2,
			x: { name: 'x0', values: [0, 1, 2] },
			y: { name: 'x1', values: [10, 20] },
			z: { name: 'y0', min: 10, max: 22 }
		});
	});

	it('shows what cannot be read as a message, never an error', async () => {
		const { preview } = await previewOf((file) => fs.writeFileSync(file, 'not HDF5 at all'));
		expect(preview).toMatchObject({
			file: 'data.hdf5',
			variable: null,
			plot: { kind: 'message', message: 'data.hdf5 is neither an HDF5 nor a netCDF file' }
		});
	});
});

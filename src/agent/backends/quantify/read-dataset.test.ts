import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { NetCDFReader } from 'netcdfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readQuantifyDataset, type QuantifyVariable } from './read-dataset';

const FIXTURES = fileURLToPath(new URL('../../../../tests/fixtures/quantify/', import.meta.url));
const COSINE = join(FIXTURES, '20200430/20200430-170837-001-315f36-Cosine test/dataset.hdf5');
const SPECTROSCOPY_DIR = join(
	FIXTURES,
	'20211029/20211029-000217-063-ab42e4-Pulsed spectroscopy q4'
);
const SPECTROSCOPY = join(SPECTROSCOPY_DIR, 'dataset.hdf5');
const SPECTROSCOPY_PROCESSED = join(
	SPECTROSCOPY_DIR,
	'analysis_QubitSpectroscopyAnalysis/dataset_processed.hdf5'
);
const TWO_SETTABLES = join(
	FIXTURES,
	'20220409/20220409-095654-698-b2dc1f-1d with two settables/dataset.hdf5'
);
const CONDITIONAL = join(
	FIXTURES,
	'20230509/20230509-165523-132-dcfea7-ConditionalOscillation/dataset.hdf5'
);

function variable(
	name: string,
	long_name: string | null,
	units: string | null,
	role: QuantifyVariable['role'],
	shape: number[],
	dims = ['dim_0']
): QuantifyVariable {
	return { name, long_name, units, shape, dims, role, uncertainty_of: null };
}

let tmp: string;
beforeAll(async () => {
	tmp = await mkdtemp(join(tmpdir(), 'quantify-read-'));
	await h5wasm.ready;
});
afterAll(async () => {
	await rm(tmp, { recursive: true, force: true });
});

describe('readQuantifyDataset on the quantify-core fixtures', () => {
	it('reads the netCDF-3 (64-bit offset) file of early Quantify', async () => {
		expect(await readQuantifyDataset(COSINE)).toEqual({
			format: 'netcdf3',
			tuid: '20200430-170837-001-315f36',
			name: 'Cosine test',
			variables: [
				variable('x0', 'Time', 's', 'coordinate', [50]),
				variable('y0', 'Signal level', 'V', 'data', [50])
			],
			filled: 1,
			// Every value measured: each cursor at its variable’s end.
			cursors: expect.any(Object)
		});
	});

	it('reads an HDF5 file and leaves out the placeholder dimension scale dim_0', async () => {
		expect(await readQuantifyDataset(SPECTROSCOPY)).toEqual({
			format: 'hdf5',
			tuid: '20211029-000217-063-ab42e4',
			name: 'Pulsed spectroscopy q4',
			variables: [
				variable('x0', 'spec_pulse_frequency', 'Hz', 'coordinate', [240]),
				variable('y0', 'Magnitude', 'V', 'data', [240]),
				variable('y1', 'Phase', 'deg', 'data', [240])
			],
			filled: 1,
			// Every value measured: each cursor at its variable’s end.
			cursors: expect.any(Object)
		});
	});

	it('reads two settables as coordinates and empty units as null', async () => {
		expect(await readQuantifyDataset(TWO_SETTABLES)).toEqual({
			format: 'hdf5',
			tuid: '20220409-095654-698-b2dc1f',
			name: '1d with two settables',
			variables: [
				variable('x0', 'mp1', null, 'coordinate', [101]),
				variable('x1', 'mp2', null, 'coordinate', [101]),
				variable('y0', 'mp3', null, 'data', [101])
			],
			filled: 1,
			// Every value measured: each cursor at its variable’s end.
			cursors: expect.any(Object)
		});
	});

	it('reads eight data variables, long names repeating', async () => {
		const m = (name: string, long: string) => variable(name, long, 'V', 'data', [30]);
		const p = (name: string, long: string) => variable(name, long, 'deg', 'data', [30]);
		expect(await readQuantifyDataset(CONDITIONAL)).toEqual({
			format: 'hdf5',
			tuid: '20230509-165523-132-dcfea7',
			name: 'ConditionalOscillation',
			variables: [
				variable('x0', 'ph', 'deg', 'coordinate', [30]),
				m('y0', 'Magnitude0'),
				p('y1', 'Phase0'),
				m('y2', 'Magnitude1'),
				p('y3', 'Phase1'),
				m('y4', 'Magnitude0'),
				p('y5', 'Phase0'),
				m('y6', 'Magnitude1'),
				p('y7', 'Phase1')
			],
			filled: 1,
			// Every value measured: each cursor at its variable’s end.
			cursors: expect.any(Object)
		});
	});

	it('treats a dimension scale holding real data as a coordinate (processed dataset)', async () => {
		expect(await readQuantifyDataset(SPECTROSCOPY_PROCESSED)).toEqual({
			format: 'hdf5',
			tuid: null,
			name: null,
			variables: [
				variable('Magnitude', 'Magnitude, $|S_{21}|$', 'V', 'data', [240], ['x0']),
				variable('x0', 'spec_pulse_frequency', 'Hz', 'coordinate', [240], ['x0'])
			],
			filled: 1,
			// Every value measured: each cursor at its variable’s end.
			cursors: expect.any(Object)
		});
	});
});

describe('readQuantifyDataset NaN detection', () => {
	async function netcdfWithNaNIn(variableName: string): Promise<string> {
		const bytes = await readFile(COSINE);
		const target = new NetCDFReader(bytes).variables.find((v) => v.name === variableName);
		if (target === undefined) throw new Error(`no ${variableName} in fixture`);
		bytes.writeDoubleBE(Number.NaN, target.offset + 3 * 8); // fourth value (doubles, big-endian)
		const file = join(tmp, `cosine-nan-${variableName}.hdf5`);
		await writeFile(file, bytes);
		return file;
	}

	it('finds a NaN in a netCDF-3 data variable', async () => {
		const info = await readQuantifyDataset(await netcdfWithNaNIn('y0'));
		expect(info.format).toBe('netcdf3');
		expect(info.filled).toBeLessThan(1);
	});

	it('ignores a NaN in a netCDF-3 coordinate', async () => {
		expect((await readQuantifyDataset(await netcdfWithNaNIn('x0'))).filled).toBe(1);
	});

	it('finds a NaN written into an HDF5 fixture', async () => {
		const file = join(tmp, 'two-settables-nan.hdf5');
		await copyFile(TWO_SETTABLES, file);
		const h5 = new h5wasm.File(file, 'a');
		try {
			const y0 = h5.get('y0');
			if (!(y0 instanceof h5wasm.Dataset)) throw new Error('no y0 in fixture');
			y0.write_slice([[5, 6]], new Float64Array([Number.NaN]));
		} finally {
			h5.close();
		}
		const info = await readQuantifyDataset(file);
		expect(info.variables.map((v) => v.name)).toEqual(['x0', 'x1', 'y0']);
		expect(info.filled).toBeLessThan(1);
	});

	it('reads an xarray-like HDF5 file with uncertainties and scans large data in blocks', async () => {
		const file = join(tmp, 'uncertainty.hdf5');
		const n = 1_500_000;
		const h5 = new h5wasm.File(file, 'w');
		try {
			h5.create_attribute('tuid', '20240101-000000-000-abcdef');
			const dim = h5.create_dataset({ name: 'dim_0', data: new Float32Array(n), shape: [n] });
			dim.make_scale(`This is a netCDF dimension but not a netCDF variable. ${n}`);
			const x0 = h5.create_dataset({ name: 'x0', data: new Float64Array(n), shape: [n] });
			x0.create_attribute('long_name', 'Frequency');
			x0.create_attribute('units', 'Hz');
			const y0 = h5.create_dataset({ name: 'y0', data: new Float32Array(n), shape: [n] });
			y0.create_attribute('long_name', ['Signal']);
			y0.create_attribute('coordinates', 'x0');
			const values = new Float32Array(n);
			values[n - 1] = Number.NaN; // beyond the first scan block
			const y0u = h5.create_dataset({ name: 'y0_u', data: values, shape: [n] });
			y0u.create_attribute('coordinates', 'x0');
			for (const d of [x0, y0, y0u]) d.attach_scale(0, '/dim_0');
		} finally {
			h5.close();
		}
		expect(await readQuantifyDataset(file)).toEqual({
			format: 'hdf5',
			tuid: '20240101-000000-000-abcdef',
			name: null,
			variables: [
				variable('x0', 'Frequency', 'Hz', 'coordinate', [n]),
				variable('y0', 'Signal', null, 'data', [n]),
				{ ...variable('y0_u', null, null, 'data', [n]), uncertainty_of: 'y0' }
			],
			filled: (n - 1) / n,
			cursors: { y0: n, y0_u: n - 1 }
		});
		// From an earlier read's cursors: the search starts there (values before them stay
		// measured), so it finds the same without reading what it read before.
		const again = await readQuantifyDataset(file, { from: { y0: n, y0_u: n - 1 } });
		expect(again.cursors).toEqual({ y0: n, y0_u: n - 1 });
		// A NaN before a cursor is not looked for again.
		const h5again = new h5wasm.File(file, 'a');
		try {
			(h5again.get('y0') as InstanceType<typeof h5wasm.Dataset>).write_slice(
				[[10, 11]],
				new Float32Array([Number.NaN])
			);
		} finally {
			h5again.close();
		}
		expect((await readQuantifyDataset(file, { from: { y0: 100 } })).cursors.y0).toBe(n);
		expect((await readQuantifyDataset(file)).cursors.y0).toBe(10);
	});
});

describe('readQuantifyDataset on other files', () => {
	async function tempFile(name: string, content: string | Buffer): Promise<string> {
		const file = join(tmp, name);
		await writeFile(file, content);
		return file;
	}

	it('rejects an empty file', async () => {
		await expect(readQuantifyDataset(await tempFile('empty.hdf5', ''))).rejects.toThrow(
			/^Not a Quantify dataset file: .*empty/
		);
	});

	it('rejects a text file', async () => {
		await expect(
			readQuantifyDataset(await tempFile('text.hdf5', 'tuid,name\n1,2\n'))
		).rejects.toThrow(/^Not a Quantify dataset file: .*neither HDF5 nor netCDF-3/);
	});

	it('rejects a truncated netCDF-3 file', async () => {
		const head = (await readFile(COSINE)).subarray(0, 20);
		await expect(readQuantifyDataset(await tempFile('truncated.nc', head))).rejects.toThrow(
			/^Not a Quantify dataset file: .*netCDF-3/
		);
	});

	it('rejects a truncated HDF5 file', async () => {
		const head = (await readFile(SPECTROSCOPY)).subarray(0, 16);
		await expect(readQuantifyDataset(await tempFile('truncated.h5', head))).rejects.toThrow(
			/^Not a Quantify dataset file: .*cannot be opened/
		);
	});
});

/**
 * Reads back what the agent wrote as xarray-readable HDF5: QCoDeS and Labber exports, converted
 * text tables.
 */
import { loadH5wasm } from '../../src/agent/files/h5wasm';

/**
 * Every variable of an exported file: the dimension scale it is (or null), its dims (itself, or
 * the scales attached), values, units, long name.
 */
export async function readExport(file: string) {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'r');
	try {
		const read = (name: string) => {
			const dataset = h5.get(name) as InstanceType<typeof h5wasm.Dataset>;
			const raw = dataset.value as unknown;
			const values = Array.isArray(raw)
				? (raw as unknown[]).map((v) => (Array.isArray(v) ? { re: v[0], im: v[1] } : v))
				: Array.from(raw as Float64Array);
			const scale = dataset.get_scale_name();
			return {
				scale,
				shape: dataset.shape,
				dims:
					scale !== null
						? [name]
						: (dataset.shape ?? []).map((_, axis) =>
								(dataset.get_attached_scales(axis)[0] ?? '').replace(/^\//, '')
							),
				values,
				units: dataset.attrs.units?.value ?? null,
				long_name: dataset.attrs.long_name?.value ?? null
			};
		};
		const variables = Object.fromEntries(h5.keys().map((name) => [name, read(name)]));
		return {
			names: h5.keys().sort(),
			attrs: Object.fromEntries(Object.entries(h5.attrs).map(([key, attr]) => [key, attr.value])),
			variable: (name: string) => variables[name]!
		};
	} finally {
		h5.close();
	}
}

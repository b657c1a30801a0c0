/**
 * Writes an xarray dataset as HDF5 laid out the way netCDF-4 lays it out, so that
 * `xarray.open_dataset(path, engine="h5netcdf")` opens it: each dimension is a coordinate
 * dataset made an HDF5 dimension scale, each variable has the scales of its dimensions
 * attached, complex values are h5py's compound of `r` and `i`.
 */
import { loadH5wasm } from './h5wasm';

/** Real numbers, complex ones, or text: flat, in C order over the dimensions. */
export type ArrayValues = Float64Array | { real: Float64Array; imag: Float64Array } | string[];

export type Attributes = Record<string, string | number | string[]>;

export interface Dimension {
	name: string;
	/** The coordinate: one value per position along the dimension. */
	values: ArrayValues;
	attributes: Attributes;
}

export interface Variable {
	name: string;
	/** Names of dimensions, outermost first. */
	dims: string[];
	values: ArrayValues;
	attributes: Attributes;
}

export interface XarrayDataset {
	attributes: Attributes;
	dimensions: Dimension[];
	variables: Variable[];
}

export function lengthOf(values: ArrayValues): number {
	return Array.isArray(values) || values instanceof Float64Array
		? values.length
		: values.real.length;
}

/** Writes `dataset` to `output` (a new file). */
export async function writeXarrayHdf5(output: string, dataset: XarrayDataset): Promise<void> {
	const h5wasm = await loadH5wasm();
	const sizes = new Map(dataset.dimensions.map((d) => [d.name, lengthOf(d.values)]));
	const file = new h5wasm.File(output, 'w');
	try {
		for (const [name, value] of Object.entries(dataset.attributes)) {
			file.create_attribute(name, value);
		}
		dataset.dimensions.forEach((dimension, id) => {
			const written = create(file, dimension.name, dimension.values, [sizes.get(dimension.name)!]);
			for (const [name, value] of Object.entries(dimension.attributes)) {
				written.create_attribute(name, value);
			}
			// netCDF-4's dimension id, as h5netcdf writes it.
			written.create_attribute('_Netcdf4Dimid', id, null, '<i4');
			written.make_scale(dimension.name);
		});
		for (const variable of dataset.variables) {
			const shape = variable.dims.map((dim) => {
				const size = sizes.get(dim);
				if (size === undefined) throw new Error(`${variable.name}: no dimension ${dim}`);
				return size;
			});
			const expected = shape.reduce((a, b) => a * b, 1);
			if (lengthOf(variable.values) !== expected) {
				throw new Error(
					`${variable.name}: ${lengthOf(variable.values)} values for a shape of ${expected}`
				);
			}
			const written = create(file, variable.name, variable.values, shape);
			for (const [name, value] of Object.entries(variable.attributes)) {
				written.create_attribute(name, value);
			}
			variable.dims.forEach((dim, axis) => written.attach_scale(axis, `/${dim}`));
		}
	} finally {
		file.close();
	}
}

type H5File = InstanceType<Awaited<ReturnType<typeof loadH5wasm>>['File']>;

function create(file: H5File, name: string, values: ArrayValues, shape: number[]) {
	if (Array.isArray(values) || values instanceof Float64Array) {
		return file.create_dataset({ name, data: values, shape });
	}
	return file.create_dataset({
		name,
		data: new Map<string, Float64Array>([
			['r', values.real],
			['i', values.imag]
		]) as never,
		shape,
		dtype: [
			['r', '<d'],
			['i', '<d']
		]
	});
}

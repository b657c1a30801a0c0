/**
 * A preview of one variable of an xarray-readable HDF5 file (what every backend's export and
 * the table converters write, and Quantify's own datasets): the values reduced to what a
 * picture of a few hundred pixels shows, so the dashboard draws it from a few kilobytes.
 */
import type { DatasetParameter, ItemPreview, PreviewPlot } from '../../lib/contract';
import fsp from 'node:fs/promises';
import { NetCDFReader } from 'netcdfjs';
import { loadH5wasm } from './h5wasm';

/** Pixel columns of a line preview: each holds the lowest and highest value that falls in it. */
export const LINE_COLUMNS = 800;
/** Cells of a heat map preview, at most, along each axis. */
export const GRID_CELLS = 200;
/** Values read at most: a bigger variable is not previewed. */
const MAX_VALUES = 64 * 1024 * 1024;

type H5 = Awaited<ReturnType<typeof loadH5wasm>>;
type Dataset = InstanceType<H5['Dataset']>;

/** A numeric variable of the file, whatever its format. */
interface Variable {
	name: string;
	shape: number[];
	long_name: string | null;
	units: string | null;
	/** Names of the variables it has for coordinates over its first dimension. */
	coordinates: string[];
	/** Whether it is a dimension's own coordinate (an HDF5 dimension scale). */
	isScale: boolean;
	/** The coordinate variable of one of its axes, by name, where the file says. */
	scaleOf(axis: number): string | undefined;
	/** Its values, flat; complex ones as their magnitude. */
	read(): Float64Array;
}

function text(dataset: Dataset, name: string): string | null {
	const value = dataset.attrs[name]?.value;
	if (value === undefined || value === null) return null;
	const string = Array.isArray(value) ? value.join(' ') : String(value);
	return string.trim() === '' ? null : string;
}

/** Numbers of a dataset, flat; complex values (h5py's r/i compound) as their magnitude. */
function numbersOf(dataset: Dataset): Float64Array {
	const value = dataset.value as unknown;
	if (value instanceof Float64Array) return value;
	if (ArrayBuffer.isView(value)) return Float64Array.from(value as unknown as ArrayLike<number>);
	if (Array.isArray(value)) {
		return Float64Array.from(value as unknown[], (item) =>
			Array.isArray(item) ? Math.hypot(Number(item[0]), Number(item[1])) : Number(item)
		);
	}
	return Float64Array.of(Number(value));
}

const isNumeric = (dataset: Dataset) => {
	const { type, size } = dataset.metadata as { type: number; size: number; members?: unknown[] };
	// HDF5 type classes: 0 integer, 1 float, 6 compound (complex as r/i).
	return type === 0 || type === 1 || (type === 6 && size === 16);
};

function finiteRange(values: Float64Array): { min: number | null; max: number | null } {
	let min = Infinity;
	let max = -Infinity;
	for (const v of values) {
		if (v < min) min = v;
		if (v > max) max = v;
	}
	return min <= max ? { min, max } : { min: null, max: null };
}

/** How many of the values are numbers (not NaN, not infinite). */
function finiteCount(values: Float64Array): number {
	let count = 0;
	for (const v of values) if (Number.isFinite(v)) count++;
	return count;
}

const orNull = (values: Float64Array) => Array.from(values, (v) => (Number.isFinite(v) ? v : null));

/** The numeric variables of an HDF5 file (xarray's layout); null when it is not one. */
async function hdf5Variables(file: string, work: (all: Map<string, Variable>) => ItemPreview) {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'r');
	if (h5.file_id < 0n) return null;
	try {
		const all = new Map<string, Variable>();
		for (const key of h5.keys()) {
			const entity = h5.get(key);
			if (!(entity instanceof h5wasm.Dataset) || !isNumeric(entity)) continue;
			all.set(key, {
				name: key,
				shape: entity.shape ?? [],
				long_name: text(entity, 'long_name'),
				units: text(entity, 'units'),
				coordinates: (text(entity, 'coordinates') ?? '').split(/\s+/).filter(Boolean),
				isScale: text(entity, 'CLASS') === 'DIMENSION_SCALE',
				scaleOf: (axis) => {
					try {
						return entity.get_attached_scales(axis)[0]?.replace(/^\//, '');
					} catch {
						return undefined;
					}
				},
				read: () => numbersOf(entity)
			});
		}
		return work(all);
	} finally {
		h5.close();
	}
}

const NETCDF_NUMBERS = new Set(['byte', 'short', 'int', 'float', 'double']);

/** The numeric variables of a netCDF-3 file (early Quantify); null when it is not one. */
async function netcdf3Variables(file: string, work: (all: Map<string, Variable>) => ItemPreview) {
	const bytes = await fsp.readFile(file);
	if (bytes.subarray(0, 3).toString('latin1') !== 'CDF') return null;
	const reader = new NetCDFReader(bytes);
	const header = reader.header as unknown as {
		dimensions?: { name: string; size: number }[];
		variables?: {
			name: string;
			dimensions: number[];
			type: string;
			attributes: { name: string; value: unknown }[];
		}[];
	};
	const dimensions = header.dimensions ?? [];
	const all = new Map<string, Variable>();
	for (const v of header.variables ?? []) {
		if (!NETCDF_NUMBERS.has(v.type)) continue;
		const attribute = (name: string) => {
			const value = v.attributes.find((a) => a.name === name)?.value;
			return typeof value === 'string' && value.trim() !== '' ? value : null;
		};
		const dims = v.dimensions.map((id) => dimensions[id]?.name ?? `dim_${id}`);
		all.set(v.name, {
			name: v.name,
			shape: v.dimensions.map((id) =>
				id === reader.header.recordDimension.id
					? reader.header.recordDimension.length
					: (dimensions[id]?.size ?? 0)
			),
			long_name: attribute('long_name'),
			units: attribute('units'),
			coordinates: (attribute('coordinates') ?? '').split(/\s+/).filter(Boolean),
			isScale: dims.length === 1 && dims[0] === v.name,
			scaleOf: (axis) => dims[axis],
			read: () =>
				Float64Array.from((reader.getDataVariable(v.name) as unknown[]).flat(Infinity) as number[])
		});
	}
	return work(all);
}

/** Reads the file and makes the preview of `wanted` (else the first plottable variable). */
export async function previewOf(file: string, name: string, wanted?: string): Promise<ItemPreview> {
	const work = (all: Map<string, Variable>) => previewFrom(all, name, wanted);
	return (
		(await netcdf3Variables(file, work)) ??
		(await hdf5Variables(file, work)) ?? {
			file: name,
			variables: [],
			variable: null,
			plot: message(`${name} is neither an HDF5 nor a netCDF file`)
		}
	);
}

function previewFrom(all: Map<string, Variable>, name: string, wanted?: string): ItemPreview {
	const coordinateNames = new Set([...all.values()].flatMap((v) => v.coordinates));
	const plottable = [...all.values()].filter(
		(v) =>
			!v.isScale &&
			!coordinateNames.has(v.name) &&
			!(v.name.endsWith('_u') && all.has(v.name.slice(0, -2))) &&
			(v.shape.length === 1 || v.shape.length === 2)
	);
	const variables: DatasetParameter[] = plottable.map((v) => ({
		name: v.name,
		long_name: v.long_name,
		units: v.units,
		dims: [],
		shape: v.shape
	}));
	const chosen = plottable.find((v) => v.name === wanted) ?? plottable[0];
	if (!chosen) {
		return { file: name, variables, variable: null, plot: message('No variable to plot') };
	}
	const size = chosen.shape.reduce((a, b) => a * b, 1);
	if (size > MAX_VALUES) {
		return {
			file: name,
			variables,
			variable: chosen.name,
			plot: message(`${chosen.name} holds ${size} values: too many to preview`)
		};
	}
	return { file: name, variables, variable: chosen.name, plot: plotOf(chosen, all) };
}

function message(text: string): PreviewPlot {
	return { kind: 'message', message: text };
}

/** The coordinate of axis `axis`: its dimension scale, else a coordinate of that length, else indices. */
function axisOf(variable: Variable, axis: number, all: Map<string, Variable>) {
	const length = variable.shape[axis]!;
	const scale = variable.scaleOf(axis);
	const candidates = [
		...(axis === 0 || variable.shape.length === 1 ? variable.coordinates : []),
		...(scale ? [scale] : [])
	];
	for (const name of candidates) {
		const coordinate = all.get(name);
		if (coordinate?.shape.length === 1 && coordinate.shape[0] === length) {
			return {
				name,
				long_name: coordinate.long_name,
				units: coordinate.units,
				values: coordinate.read()
			};
		}
	}
	return {
		name: `index ${axis}`,
		long_name: null,
		units: null,
		values: Float64Array.from({ length }, (_, i) => i)
	};
}

function plotOf(variable: Variable, all: Map<string, Variable>): PreviewPlot {
	const values = variable.read();
	const about = { name: variable.name, long_name: variable.long_name, units: variable.units };
	if (variable.shape.length === 2) {
		const [rows, columns] = variable.shape as [number, number];
		const y = axisOf(variable, 0, all);
		const x = axisOf(variable, 1, all);
		return heatmap(values, rows, columns, x, y, about);
	}
	// Quantify stores a 2-D sweep flat, with a coordinate per settable: gridded when they form one.
	const coordinates = variable.coordinates
		.map((name) => all.get(name))
		.filter((c): c is Variable => c?.shape.length === 1 && c.shape[0] === values.length);
	if (coordinates.length === 2) {
		const gridded = grid(values, coordinates[0]!.read(), coordinates[1]!.read());
		if (gridded) {
			const [xc, yc] = coordinates as [Variable, Variable];
			return heatmap(
				gridded.values,
				gridded.ys.length,
				gridded.xs.length,
				{ name: xc.name, long_name: xc.long_name, units: xc.units, values: gridded.xs },
				{ name: yc.name, long_name: yc.long_name, units: yc.units, values: gridded.ys },
				about
			);
		}
	}
	const x = axisOf(variable, 0, all);
	const uncertainty = all.get(`${variable.name}_u`);
	const u = uncertainty?.shape.length === 1 ? uncertainty.read() : null;
	return line(values, x, u, about);
}

type Axis = { name: string; long_name: string | null; units: string | null; values: Float64Array };
type About = { name: string; long_name: string | null; units: string | null };

/**
 * The lowest and highest value per pixel column of x (and of y ± u for the band); a line of
 * fewer points than columns as it is.
 */
function line(y: Float64Array, x: Axis, u: Float64Array | null, about: About): PreviewPlot {
	const { min: xMin, max: xMax } = finiteRange(x.values);
	const reduced =
		y.length <= LINE_COLUMNS
			? {
					x: x.values,
					low: y,
					high: y,
					band: u && { low: y.map((v, i) => v - u[i]!), high: y.map((v, i) => v + u[i]!) }
				}
			: perColumn(y, x.values, u, xMin, xMax);
	return {
		kind: 'line',
		points: y.length,
		measured: finiteCount(y),
		x: { ...axisAbout(x), min: xMin, max: xMax, values: orNull(reduced.x) },
		y: {
			...about,
			...finiteRange(Float64Array.from([...reduced.low, ...reduced.high])),
			low: orNull(reduced.low),
			high: orNull(reduced.high)
		},
		band: reduced.band && { low: orNull(reduced.band.low), high: orNull(reduced.band.high) }
	};
}

const axisAbout = ({ name, long_name, units }: Axis): About => ({ name, long_name, units });

function perColumn(
	y: Float64Array,
	x: Float64Array,
	u: Float64Array | null,
	xMin: number | null,
	xMax: number | null
) {
	const columns = xMin === null || xMax === null || xMin === xMax ? 1 : LINE_COLUMNS;
	const filled = (value: number) => new Float64Array(columns).fill(value);
	const [low, high, bandLow, bandHigh] = [filled(NaN), filled(NaN), filled(NaN), filled(NaN)];
	const scale = columns > 1 ? (columns - 1) / (xMax! - xMin!) : 0;
	// NaN compares false either way: the first value of a column always takes its place.
	const lower = (values: Float64Array, at: number, v: number) => {
		if (!(values[at]! <= v)) values[at] = v;
	};
	const higher = (values: Float64Array, at: number, v: number) => {
		if (!(values[at]! >= v)) values[at] = v;
	};
	for (let i = 0; i < y.length; i++) {
		const xi = x[i]!;
		const yi = y[i]!;
		if (!Number.isFinite(xi) || !Number.isFinite(yi)) continue;
		const column = Math.round((xi - (xMin ?? 0)) * scale);
		lower(low, column, yi);
		higher(high, column, yi);
		if (u && Number.isFinite(u[i]!)) {
			lower(bandLow, column, yi - u[i]!);
			higher(bandHigh, column, yi + u[i]!);
		}
	}
	return {
		x: Float64Array.from({ length: columns }, (_, c) =>
			columns > 1 ? xMin! + c / scale : (xMin ?? 0)
		),
		low,
		high,
		band: u && { low: bandLow, high: bandHigh }
	};
}

/** A flat sweep of two settables as a grid: every pair of their distinct values once. */
function grid(values: Float64Array, a: Float64Array, b: Float64Array) {
	const xs = [...new Set(a)].filter(Number.isFinite).sort((p, q) => p - q);
	const ys = [...new Set(b)].filter(Number.isFinite).sort((p, q) => p - q);
	if (xs.length < 2 || ys.length < 2 || xs.length * ys.length !== values.length) return null;
	const xIndex = new Map(xs.map((v, i) => [v, i]));
	const yIndex = new Map(ys.map((v, i) => [v, i]));
	const out = new Float64Array(values.length).fill(NaN);
	for (let i = 0; i < values.length; i++) {
		const column = xIndex.get(a[i]!);
		const row = yIndex.get(b[i]!);
		if (column !== undefined && row !== undefined) out[row * xs.length + column] = values[i]!;
	}
	return { values: out, xs: Float64Array.from(xs), ys: Float64Array.from(ys) };
}

/** The grid averaged into at most GRID_CELLS² cells, each a byte from z.min to z.max. */
function heatmap(
	values: Float64Array,
	rows: number,
	columns: number,
	x: Axis,
	y: Axis,
	about: About
): PreviewPlot {
	const width = Math.min(columns, GRID_CELLS);
	const height = Math.min(rows, GRID_CELLS);
	const sums = new Float64Array(width * height);
	const counts = new Uint32Array(width * height);
	for (let r = 0; r < rows; r++) {
		const cellRow = Math.floor((r * height) / rows);
		for (let c = 0; c < columns; c++) {
			const v = values[r * columns + c]!;
			if (!Number.isFinite(v)) continue;
			const cell = cellRow * width + Math.floor((c * width) / columns);
			sums[cell]! += v;
			counts[cell]! += 1;
		}
	}
	const means = Float64Array.from(sums, (sum, i) => (counts[i] ? sum / counts[i]! : NaN));
	const { min, max } = finiteRange(means);
	const bytes = Buffer.alloc(width * height, 255);
	if (min !== null && max !== null) {
		const span = max - min || 1;
		means.forEach((v, i) => {
			if (Number.isFinite(v)) bytes[i] = Math.round(((v - min) / span) * 254);
		});
	}
	const pick = (axis: Axis, cells: number, length: number) =>
		orNull(
			Float64Array.from(
				{ length: cells },
				(_, i) => axis.values[Math.floor(((i + 0.5) * length) / cells)]!
			)
		);
	return {
		kind: 'heatmap',
		points: values.length,
		measured: finiteCount(values),
		x: { ...axisAbout(x), ...finiteRange(x.values), values: pick(x, width, columns) },
		y: { ...axisAbout(y), ...finiteRange(y.values), values: pick(y, height, rows) },
		z: { ...about, min, max },
		width,
		height,
		cells: bytes.toString('base64')
	};
}

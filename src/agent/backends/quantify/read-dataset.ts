/**
 * Reads a Quantify `dataset.hdf5` and describes it: its variables (with xarray roles), its
 * global `tuid` / `name`, and whether a data variable still holds NaN (still being measured).
 *
 * Quantify writes xarray datasets with the h5netcdf engine, i.e. real HDF5. Its early versions
 * wrote netCDF-3 (classic or 64-bit offset) under the same file name. The format is picked from
 * the file's magic bytes, never from its name.
 */
import { open, readFile } from 'node:fs/promises';
import type { Dataset, Group } from 'h5wasm/node';
import { NetCDFReader } from 'netcdfjs';
import { loadH5wasm } from '../../files/h5wasm';

export interface QuantifyVariable {
	/** HDF5/netCDF variable name, e.g. 'x0', 'y0', 'y0_u'. */
	name: string;
	/** Attribute `long_name`. */
	long_name: string | null;
	/** Attribute `units`. */
	units: string | null;
	shape: number[];
	/** Dimension names, e.g. ['dim_0']. */
	dims: string[];
	/**
	 * coordinate: an xarray coordinate (Quantify's settables x0, x1, …, and dimension scales
	 * holding real data); data: the rest (y0, y1, …).
	 */
	role: 'coordinate' | 'data';
	/** For a variable named `<base>_u` where `<base>` exists: that base name. */
	uncertainty_of: string | null;
}

export interface QuantifyDatasetInfo {
	format: 'hdf5' | 'netcdf3';
	/** The dataset's global attribute `tuid`, if present. */
	tuid: string | null;
	/** The dataset's global attribute `name`, if present. */
	name: string | null;
	variables: QuantifyVariable[];
	/**
	 * How much is measured, 0 to 1: the NaN cursor (Quantify pre-fills with NaN and fills in
	 * order), the first NaN of the least filled data variable; 1 when none holds NaN.
	 */
	filled: number;
	/** Each data variable's NaN cursor (values before it are measured), for the next read's `from`. */
	cursors: Record<string, number>;
}

export interface ReadOptions {
	/** The path errors name: the user's file, where `file` is a copy of it. */
	shownAs?: string;
	/**
	 * Cursors of an earlier read of the same measurement: values before them were measured then
	 * and stay so, so the NaN search starts there (its cost is what was measured since).
	 */
	from?: Record<string, number>;
}

const HDF5_MAGIC = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
/** `NAME` that xarray/netCDF4 give the placeholder scale of a dimension without a coordinate. */
const PHONY_SCALE_NAME = 'This is a netCDF dimension but not a netCDF variable';
/** HDF5 type class of floating-point data (H5T_FLOAT). */
const H5T_FLOAT = 1;
/** Elements read at a time when scanning an HDF5 dataset for NaN: 64 Ki at first, doubling to 8 MiB of float64. */
const FIRST_NAN_BLOCK = 1 << 16;
const NAN_SCAN_BLOCK = 1 << 20;

function notQuantify(reason: string): Error {
	return new Error(`Not a Quantify dataset file: ${reason}`);
}

export async function readQuantifyDataset(
	file: string,
	{ shownAs = file, from = {} }: ReadOptions = {}
): Promise<QuantifyDatasetInfo> {
	const format = await detectFormat(file, shownAs);
	return format === 'hdf5' ? readHdf5(file, shownAs, from) : readNetcdf3(file, shownAs);
}

async function detectFormat(file: string, shownAs: string): Promise<'hdf5' | 'netcdf3'> {
	const handle = await open(file, 'r');
	let head: Buffer;
	try {
		const stats = await handle.stat();
		if (!stats.isFile()) throw notQuantify(`${shownAs} is not a regular file`);
		if (stats.size === 0) throw notQuantify(`${shownAs} is empty`);
		head = Buffer.alloc(8);
		const { bytesRead } = await handle.read(head, 0, 8, 0);
		head = head.subarray(0, bytesRead);
	} finally {
		await handle.close();
	}
	if (head.length === 8 && head.equals(HDF5_MAGIC)) return 'hdf5';
	if (head.length >= 4 && head.toString('latin1', 0, 3) === 'CDF') {
		const version = head[3];
		if (version === 1 || version === 2) return 'netcdf3';
		if (version === 5) throw notQuantify(`${shownAs} is netCDF CDF-5, which Quantify never wrote`);
	}
	throw notQuantify(`${shownAs} is neither HDF5 nor netCDF-3 (unrecognised magic bytes)`);
}

function isTypedArray(value: unknown): value is ArrayLike<number | bigint> {
	return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** Attribute values as h5wasm and netcdfjs return them, made a single string (or null). */
function attrText(value: unknown): string | null {
	let text: string | null;
	if (typeof value === 'string') text = value;
	else if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
		text = String(value);
	} else if (Array.isArray(value) || isTypedArray(value)) {
		const items: unknown[] = Array.from(value);
		const parts = items.map(attrText).filter((part): part is string => part !== null);
		text = parts.length > 0 ? parts.join(' ') : null;
	} else {
		// References, compound values, null: nothing usable as text.
		text = null;
	}
	if (text === null) return null;
	text = text.replace(/\0+$/, '');
	return text.trim() === '' ? null : text;
}

/** Where the first NaN of a flat block of values is; its length when it holds none. */
function firstNaN(value: unknown): number {
	if (value instanceof Float64Array || value instanceof Float32Array) {
		for (let i = 0; i < value.length; i++) {
			const x = value[i] as number;
			if (x !== x) return i;
		}
		return value.length;
	}
	if (typeof value === 'number') return Number.isNaN(value) ? 0 : 1;
	if (Array.isArray(value)) {
		const at = (value as unknown[]).findIndex((item) => firstNaN(item) === 0);
		return at === -1 ? value.length : at;
	}
	return Infinity;
}

/** The fraction before the first NaN of `size` values; 1 for none. */
const fractionBefore = (at: number, size: number) => (size === 0 ? 1 : Math.min(1, at / size));

function coordinateNames(coordinates: (string | null)[]): Set<string> {
	const names = new Set<string>();
	for (const list of coordinates) {
		if (list === null) continue;
		for (const name of list.split(/\s+/)) if (name !== '') names.add(name);
	}
	return names;
}

function linkUncertainties(variables: QuantifyVariable[]): void {
	const names = new Set(variables.map((v) => v.name));
	for (const variable of variables) {
		if (variable.name.length > 2 && variable.name.endsWith('_u')) {
			const base = variable.name.slice(0, -2);
			if (names.has(base)) variable.uncertainty_of = base;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// HDF5 (xarray via h5netcdf)

function h5Attr(obj: Dataset | Group, name: string): string | null {
	const attribute = obj.attrs[name];
	if (attribute === undefined) return null;
	try {
		return attrText(attribute.value);
	} catch {
		return null;
	}
}

function baseName(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Where one dataset's first NaN is (its size when none), and its size: a block of rows at a
 * time from the row of `from` (measured before), blocks growing while no NaN turns up.
 */
function h5Cursor(dataset: Dataset, from: number): { at: number; size: number } {
	const shape = dataset.shape;
	if (dataset.metadata.type !== H5T_FLOAT || shape === null) return { at: 0, size: 0 };
	const [rows, ...rest] = shape;
	if (rows === undefined) return { at: firstNaN(dataset.value) === 0 ? 0 : 1, size: 1 };
	const rowSize = rest.reduce((a, b) => a * b, 1);
	const size = rows * rowSize;
	if (size === 0) return { at: 0, size };
	let block = FIRST_NAN_BLOCK;
	for (let start = Math.min(rows, Math.floor(from / rowSize)); start < rows;) {
		const end = Math.min(rows, start + Math.max(1, Math.floor(block / rowSize)));
		const at = firstNaN(dataset.slice([[start, end]]));
		if (at < (end - start) * rowSize) return { at: start * rowSize + at, size };
		start = end;
		block = Math.min(NAN_SCAN_BLOCK, block * 2);
	}
	return { at: size, size };
}

interface H5Candidate {
	dataset: Dataset;
	variable: QuantifyVariable;
	isScale: boolean;
	coordinates: string | null;
}

async function readHdf5(
	file: string,
	shownAs: string,
	from: Record<string, number>
): Promise<QuantifyDatasetInfo> {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'r');
	// h5wasm does not throw when HDF5 cannot open a file; it hands back a negative id.
	if (h5.file_id < 0n) throw notQuantify(`${shownAs} has HDF5 magic bytes but cannot be opened`);
	try {
		const candidates: H5Candidate[] = [];
		for (const key of h5.keys()) {
			const entity = h5.get(key);
			if (!(entity instanceof h5wasm.Dataset)) continue;
			const isScale = h5Attr(entity, 'CLASS') === 'DIMENSION_SCALE';
			// Placeholder scales xarray makes for dimensions without a coordinate: not variables.
			if (isScale && (h5Attr(entity, 'NAME') ?? '').startsWith(PHONY_SCALE_NAME)) continue;
			const shape = entity.shape ?? [];
			const dims = shape.map((_, axis) => {
				let scales: string[] = [];
				try {
					scales = entity.get_attached_scales(axis);
				} catch {
					scales = [];
				}
				const scale = scales[0];
				if (scale !== undefined) return baseName(scale);
				// A dimension scale is its own dimension (xarray's dimension coordinates).
				if (isScale && shape.length === 1) return key;
				return `phony_dim_${axis}`;
			});
			candidates.push({
				dataset: entity,
				isScale,
				coordinates: h5Attr(entity, 'coordinates'),
				variable: {
					name: key,
					long_name: h5Attr(entity, 'long_name'),
					units: h5Attr(entity, 'units'),
					shape,
					dims,
					role: 'data',
					uncertainty_of: null
				}
			});
		}

		const coordinates = coordinateNames([
			h5Attr(h5, 'coordinates'),
			...candidates.map((c) => c.coordinates)
		]);
		for (const c of candidates) {
			if (c.isScale || coordinates.has(c.variable.name)) c.variable.role = 'coordinate';
		}
		const variables = candidates.map((c) => c.variable);
		linkUncertainties(variables);

		// One variable at a time, in blocks, and only until the first NaN.
		let filled = 1;
		const cursors: Record<string, number> = {};
		for (const c of candidates) {
			if (c.variable.role !== 'data') continue;
			const { at, size } = h5Cursor(c.dataset, from[c.variable.name] ?? 0);
			if (size === 0) continue;
			cursors[c.variable.name] = at;
			filled = Math.min(filled, fractionBefore(at, size));
		}

		return {
			format: 'hdf5',
			tuid: h5Attr(h5, 'tuid'),
			name: h5Attr(h5, 'name'),
			variables,
			filled,
			cursors
		};
	} finally {
		h5.close();
	}
}

// ---------------------------------------------------------------------------------------------
// netCDF-3 (early Quantify, xarray's scipy engine)

// netcdfjs' own types declare variable attributes as `[]` and every list as always present,
// while it leaves `dimensions`/`variables` undefined when a file has none.
interface NcAttribute {
	name: string;
	type: string;
	value: unknown;
}
interface NcVariable {
	name: string;
	dimensions: number[];
	attributes: readonly NcAttribute[];
	type: string;
	size: number;
	offset: number;
	record: boolean;
}
interface NcHeader {
	recordDimension: { length: number; id?: number };
	dimensions?: readonly { name: string; size: number }[];
	globalAttributes?: readonly NcAttribute[];
	variables?: readonly NcVariable[];
}

function ncAttr(attributes: readonly NcAttribute[], name: string): string | null {
	const attribute = attributes.find((a) => a.name === name);
	return attribute === undefined ? null : attrText(attribute.value);
}

function errorText(error: unknown): string {
	return error instanceof Error ? error.message : String(error);
}

async function readNetcdf3(file: string, shownAs: string): Promise<QuantifyDatasetInfo> {
	// netcdfjs works on the whole file in memory; Quantify's netCDF-3 files are small.
	const bytes = await readFile(file);
	let reader: NetCDFReader;
	try {
		reader = new NetCDFReader(bytes);
	} catch (error) {
		throw notQuantify(`${shownAs} is a corrupt netCDF-3 file (${errorText(error)})`);
	}
	const header: NcHeader = reader.header;
	const dimensions = header.dimensions ?? [];
	const globalAttributes = header.globalAttributes ?? [];
	const ncVariables = header.variables ?? [];
	const recordId = header.recordDimension.id;

	const coordinates = coordinateNames([
		ncAttr(globalAttributes, 'coordinates'),
		...ncVariables.map((v) => ncAttr(v.attributes, 'coordinates'))
	]);
	const variables: QuantifyVariable[] = ncVariables.map((v) => {
		const dims = v.dimensions.map((id) => dimensions[id]?.name ?? `dim_${id}`);
		const shape = v.dimensions.map((id) =>
			id === recordId ? header.recordDimension.length : (dimensions[id]?.size ?? 0)
		);
		// netCDF coordinate variable: one-dimensional, named after its dimension.
		const isDimensionCoordinate = dims.length === 1 && dims[0] === v.name;
		return {
			name: v.name,
			long_name: ncAttr(v.attributes, 'long_name'),
			units: ncAttr(v.attributes, 'units'),
			shape,
			dims,
			role: isDimensionCoordinate || coordinates.has(v.name) ? 'coordinate' : 'data',
			uncertainty_of: null
		};
	});
	linkUncertainties(variables);

	let filled = 1;
	const cursors: Record<string, number> = {};
	for (const [index, v] of ncVariables.entries()) {
		if (variables[index]?.role !== 'data' || (v.type !== 'double' && v.type !== 'float')) continue;
		let values: unknown;
		try {
			values = reader.getDataVariable(v.name);
		} catch (error) {
			throw notQuantify(`${shownAs} is a truncated netCDF-3 file (${errorText(error)})`);
		}
		const size = variables[index]!.shape.reduce((a, b) => a * b, 1);
		const at = Math.min(firstNaN(values), size);
		cursors[v.name] = at;
		filled = Math.min(filled, fractionBefore(at, size));
	}

	return {
		format: 'netcdf3',
		tuid: ncAttr(globalAttributes, 'tuid'),
		name: ncAttr(globalAttributes, 'name'),
		variables,
		filled,
		cursors
	};
}

/**
 * A run's results as an xarray dataset, the way QCoDeS' own export shapes it: every dependent
 * parameter is a variable over its setpoints; setpoints that form a grid become dimension
 * coordinates (sorted, as pandas leaves them), any other shape stays flat over a point index.
 */
import type { DatasetParameter } from '../../../lib/contract';
import type { ArrayValues, Dimension, Variable, XarrayDataset } from '../../files/xarray-hdf5';
import { lengthOf } from '../../files/xarray-hdf5';
import { quoted, type ParamSpec, type QcodesDb } from './database';
import { parseNpy, type NpyValues } from './npy';

/** Values of one run exported at most: past this the run is refused, not the agent's memory. */
export const MAX_RUN_VALUES = 50_000_000;
/** A grid may hold up to this many cells per point measured (a sweep stopped half-way). */
const GRID_FILL = 2;

export interface RunData {
	dataset: Pick<XarrayDataset, 'dimensions' | 'variables'>;
	/** Every parameter exported: the coordinates, then the variables. */
	parameters: DatasetParameter[];
	/** Measured points (rows of values) over all dependents. */
	points: number;
	notes: string[];
}

/** One parameter's values, as they are read: real until a complex or text value comes. */
class Column {
	re: number[] = [];
	/** Complex parameters stay complex, however many values have no imaginary part. */
	im: number[] | null;
	text: string[] | null = null;

	constructor(complex: boolean) {
		this.im = complex ? [] : null;
	}

	push(value: number, imag = 0) {
		if (imag !== 0 && !this.im) this.im = new Array<number>(this.re.length).fill(0);
		this.re.push(value);
		this.im?.push(imag);
		this.text?.push(String(value));
	}

	pushText(value: string) {
		if (!this.text) this.text = this.re.map(String);
		this.text.push(value);
		this.re.push(NaN);
		this.im?.push(NaN);
	}

	get length() {
		return this.re.length;
	}

	values(): ArrayValues {
		if (this.text) return this.text;
		if (this.im) return { real: Float64Array.from(this.re), imag: Float64Array.from(this.im) };
		return Float64Array.from(this.re);
	}
}

/** A dependent with its setpoints, or a parameter standing alone. */
interface Tree {
	spec: ParamSpec;
	setpoints: ParamSpec[];
	/** Dependent first, then setpoints: the result columns read, by index into the row. */
	columns: number[];
	read: Column[];
}

type Cell = number | string | bigint | Buffer | null;

/**
 * Reads the run's results table (every row, once) and shapes it. Throws an Error naming the
 * row and parameter of a value it cannot read.
 */
export function readRunData(db: QcodesDb, table: string, params: ParamSpec[]): RunData {
	const byName = new Map(params.map((spec) => [spec.name, spec]));
	const setpointNames = new Set(params.flatMap((spec) => spec.dependsOn));
	const present = new Set(
		(db.prepare(`PRAGMA table_info(${quoted(table)})`).all() as { name: string }[]).map(
			(column) => column.name
		)
	);
	const wanted = params.filter((spec) => present.has(spec.name));
	const columnOf = new Map(wanted.map((spec, i) => [spec.name, i + 1]));
	const trees: Tree[] = wanted
		.filter((spec) => spec.dependsOn.length > 0 || !setpointNames.has(spec.name))
		.map((spec) => {
			const setpoints = spec.dependsOn.map(
				(name) => byName.get(name) ?? { ...spec, name, label: name, unit: '', dependsOn: [] }
			);
			return {
				spec,
				setpoints,
				columns: [spec, ...setpoints].map((p) => columnOf.get(p.name) ?? -1),
				read: [spec, ...setpoints].map((p) => new Column(p.type === 'complex'))
			};
		});
	const select = db.prepare(
		`SELECT id${wanted.map((spec) => `, ${quoted(spec.name)}`).join('')} FROM ${quoted(table)} ORDER BY id`
	);
	let total = 0;
	for (const row of select.raw().iterate() as IterableIterator<Cell[]>) {
		for (const tree of trees) {
			if (row[tree.columns[0]!] == null) continue;
			total += appendRow(tree, row);
			if (total > MAX_RUN_VALUES) {
				throw new Error(
					`the run holds more than ${MAX_RUN_VALUES.toLocaleString('en')} values, more than this agent exports`
				);
			}
		}
	}
	return shape(trees);
}

/** Appends one row's values of a tree, arrays flattened, scalars repeated to their length. */
function appendRow(tree: Tree, row: Cell[]): number {
	const cells = tree.columns.map((column, i) => {
		const cell = column < 0 ? null : row[column]!;
		try {
			return readCell(cell);
		} catch (error) {
			const name = i === 0 ? tree.spec.name : tree.setpoints[i - 1]!.name;
			throw new Error(`row ${row[0]}, parameter "${name}": ${(error as Error).message}`);
		}
	});
	const lengths = new Set(cells.map(lengthOfCell).filter((n) => n !== 1));
	if (lengths.size > 1) {
		throw new Error(
			`row ${row[0]}: the arrays of "${tree.spec.name}" and its setpoints have different sizes (${[...lengths].join(', ')})`
		);
	}
	const length = lengths.values().next().value ?? 1;
	cells.forEach((cell, i) => {
		const column = tree.read[i]!;
		for (let k = 0; k < length; k += 1) {
			const at = lengthOfCell(cell) === 1 ? 0 : k;
			if (typeof cell === 'number') column.push(cell);
			else if (typeof cell === 'string') column.pushText(cell);
			else if (cell.kind === 'real') column.push(cell.values[at]!);
			else if (cell.kind === 'complex') column.push(cell.real[at]!, cell.imag[at]!);
			else column.pushText(cell.values[at]!);
		}
	});
	return length;
}

function lengthOfCell(cell: number | string | NpyValues): number {
	if (typeof cell === 'number' || typeof cell === 'string') return 1;
	return cell.kind === 'complex' ? cell.real.length : cell.values.length;
}

/** A stored value: a number, `'nan'`/`'inf'` or other text, or a `.npy` blob; null is NaN. */
function readCell(cell: Cell): number | string | NpyValues {
	if (cell === null) return NaN;
	if (typeof cell === 'number') return cell;
	if (typeof cell === 'bigint') return Number(cell);
	if (typeof cell === 'string') {
		const lower = cell.trim().toLowerCase();
		if (lower === 'nan') return NaN;
		if (lower === 'inf' || lower === '+inf') return Infinity;
		if (lower === '-inf') return -Infinity;
		const number = Number(cell);
		return cell.trim() !== '' && !Number.isNaN(number) ? number : cell;
	}
	return parseNpy(cell).data;
}

/** Lays the trees out as dimensions and variables, sharing a dimension where they agree. */
function shape(trees: Tree[]): RunData {
	const dimensions = new Map<string, Dimension>();
	const variables: Variable[] = [];
	const taken = () => new Set([...dimensions.keys(), ...variables.map((v) => v.name)]);
	const notes: string[] = [];
	let points = 0;
	const attributesOf = (spec: ParamSpec) => ({
		units: spec.unit,
		long_name: spec.label || spec.name
	});
	for (const tree of trees) {
		const values = tree.read.map((column) => column.values());
		const count = lengthOf(values[0]!);
		points += count;
		const grid = tree.setpoints.length ? gridOf(values.slice(1) as ArrayValues[], count) : null;
		const fits =
			grid &&
			tree.setpoints.every((spec, i) => {
				const existing = dimensions.get(spec.name);
				return existing ? sameValues(existing.values, grid.axes[i]!) : !taken().has(spec.name);
			});
		if (grid && fits) {
			tree.setpoints.forEach((spec, i) => {
				if (!dimensions.has(spec.name)) {
					dimensions.set(spec.name, {
						name: spec.name,
						values: grid.axes[i]!,
						attributes: attributesOf(spec)
					});
				}
			});
			variables.push({
				name: tree.spec.name,
				dims: tree.setpoints.map((spec) => spec.name),
				values: scatter(values[0]!, grid.positions, grid.size),
				attributes: attributesOf(tree.spec)
			});
			continue;
		}
		if (tree.setpoints.length) {
			notes.push(
				`"${tree.spec.name}" is not measured on a grid of ${tree.setpoints.map((s) => `"${s.name}"`).join(' × ')}: exported as flat arrays over a point index`
			);
		}
		const dim = pointDimension(dimensions, variables, tree, values, count);
		if (!dimensions.has(dim)) {
			dimensions.set(dim, {
				name: dim,
				values: Float64Array.from({ length: count }, (_, i) => i),
				attributes: { long_name: `point of ${tree.spec.name}` }
			});
			tree.setpoints.forEach((spec, i) => {
				const name = taken().has(spec.name) ? `${spec.name}_${dim}` : spec.name;
				variables.push({
					name,
					dims: [dim],
					values: values[i + 1]!,
					attributes: attributesOf(spec)
				});
			});
		}
		variables.push({
			name: tree.spec.name,
			dims: [dim],
			values: values[0]!,
			attributes: attributesOf(tree.spec)
		});
	}
	const sizes = new Map([...dimensions.values()].map((d) => [d.name, lengthOf(d.values)]));
	// The parameters: coordinates first (not the point indexes), then the variables.
	const coordinates = [...dimensions.values()]
		.filter((dimension) => dimension.attributes.units !== undefined)
		.map((dimension) => ({ ...dimension, dims: [dimension.name] }));
	return {
		dataset: { dimensions: [...dimensions.values()], variables },
		parameters: [...coordinates, ...variables].map((variable) => ({
			name: variable.name,
			long_name: String(variable.attributes.long_name ?? variable.name),
			units: String(variable.attributes.units ?? ''),
			dims: variable.dims,
			shape: variable.dims.map((dim) => sizes.get(dim)!)
		})),
		points,
		notes
	};
}

/**
 * The point dimension a flat tree goes on: one already made for a tree with the same setpoints
 * holding the same values, else a new `point`, `point_2`, ….
 */
function pointDimension(
	dimensions: Map<string, Dimension>,
	variables: Variable[],
	tree: Tree,
	values: ArrayValues[],
	count: number
): string {
	for (const dim of dimensions.keys()) {
		if (!/^point(_\d+)?$/.test(dim) || lengthOf(dimensions.get(dim)!.values) !== count) continue;
		const onIt = variables.filter((v) => v.dims.length === 1 && v.dims[0] === dim);
		const same = tree.setpoints.every((spec, i) => {
			const existing = onIt.find((v) => v.name === spec.name || v.name === `${spec.name}_${dim}`);
			return existing !== undefined && sameValues(existing.values, values[i + 1]!);
		});
		if (same && onIt.length > 0) return dim;
	}
	for (let n = 1; ; n += 1) {
		const name = n === 1 ? 'point' : `point_${n}`;
		if (!dimensions.has(name) && !variables.some((v) => v.name === name)) return name;
	}
}

/** The sorted distinct values of each setpoint, when the points fill a grid of them. */
function gridOf(
	setpoints: ArrayValues[],
	count: number
): { axes: Float64Array[]; positions: Uint32Array; size: number } | null {
	if (count === 0 || !setpoints.every((values) => values instanceof Float64Array)) return null;
	const columns = setpoints as Float64Array[];
	if (columns.some((values) => values.some(Number.isNaN))) return null;
	const axes = columns.map((values) => Float64Array.from(new Set(values)).sort());
	const size = axes.reduce((product, axis) => product * axis.length, 1);
	if (size > GRID_FILL * count) return null;
	const indexes = axes.map((axis) => new Map(Array.from(axis, (value, i) => [value, i])));
	const positions = new Uint32Array(count);
	const seen = new Uint8Array(size);
	for (let point = 0; point < count; point += 1) {
		let position = 0;
		columns.forEach((values, d) => {
			position = position * axes[d]!.length + indexes[d]!.get(values[point]!)!;
		});
		if (seen[position]) return null;
		seen[position] = 1;
		positions[point] = position;
	}
	return { axes, positions, size };
}

/** The values placed at their grid positions; cells never measured are NaN (or empty text). */
function scatter(values: ArrayValues, positions: Uint32Array, size: number): ArrayValues {
	if (Array.isArray(values)) {
		const out = new Array<string>(size).fill('');
		positions.forEach((position, i) => (out[position] = values[i]!));
		return out;
	}
	const place = (from: Float64Array) => {
		const out = new Float64Array(size).fill(NaN);
		positions.forEach((position, i) => (out[position] = from[i]!));
		return out;
	};
	return values instanceof Float64Array
		? place(values)
		: { real: place(values.real), imag: place(values.imag) };
}

function sameValues(a: ArrayValues, b: ArrayValues): boolean {
	if (lengthOf(a) !== lengthOf(b)) return false;
	if (a instanceof Float64Array && b instanceof Float64Array) {
		return a.every((value, i) => Object.is(value, b[i]) || value === b[i]);
	}
	return JSON.stringify(a) === JSON.stringify(b);
}

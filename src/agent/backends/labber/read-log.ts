/**
 * Reads a Labber log file (HDF5): its root attributes, `/Tags`, `/Channels`, and each log in
 * it (the root's, then `Log_2`, `Log_3`, …) as an xarray dataset whose dimensions are the
 * stepped channels (outermost first) and whose variables are the logged channels.
 *
 * Labber's layout: `Data/Data` is `[points, columns, entries]`, its columns named by
 * `Data/Channel names` rows `(name, "" | "Real" | "Imaginary")`; the step dimensions (root
 * attribute `Step dimensions`, one per `Step list` row, inner loop first) fill points and
 * entries in Fortran order; `Data` attribute `Step index` names the rows actually stepped.
 */
import type { Dataset, Group } from 'h5wasm/node';
import type { DatasetParameter } from '../../../lib/contract';
import { loadH5wasm } from '../../files/h5wasm';
import { lengthOf, type ArrayValues, type Dimension, type Variable } from '../../files/xarray-hdf5';

/** Values of one log exported at most: past this the file is refused, not the agent's memory. */
export const MAX_LOG_VALUES = 50_000_000;

export interface LabberLog {
	/** '' for the root's log, else its group (`Log_2`). */
	group: string;
	completed: boolean;
	dimensions: Dimension[];
	variables: Variable[];
	parameters: DatasetParameter[];
	notes: string[];
}

export interface LabberFile {
	logName: string;
	/** Epoch seconds. */
	creationTime: number;
	comment: string;
	star: boolean;
	version: string;
	project: string[];
	tags: string[];
	user: string[];
	logs: LabberLog[];
	/** `Step list` and `Step config`, as `settings.json`. */
	settings: Record<string, unknown>;
	/** `Instrument config/<instrument>` attributes, as `instruments.json`. */
	instruments: Record<string, Record<string, unknown>>;
}

type H5 = Awaited<ReturnType<typeof loadH5wasm>>;

/** Reads the whole file; throws an Error saying what is not Labber's layout. */
export async function readLabberFile(file: string): Promise<LabberFile> {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'r');
	if (h5.file_id < 0n) throw new Error('it cannot be opened as HDF5');
	try {
		const logName = attribute(h5, 'log_name');
		const creationTime = Number(attribute(h5, 'creation_time'));
		if (typeof logName !== 'string' || !Number.isFinite(creationTime)) {
			throw new Error('it has no log_name and creation_time: not a Labber log');
		}
		const channels = new Map(rows(h5, 'Channels').map((row) => [String(row.name), row] as const));
		const tags = h5.get('Tags') as Group | null;
		const groups = logGroups(h5);
		return {
			logName,
			creationTime,
			comment: String(attribute(h5, 'comment') ?? ''),
			star: Boolean(Number(attribute(h5, 'star') ?? 0)),
			version: String(attribute(h5, 'version') ?? ''),
			project: texts(tags && attribute(tags, 'Project')),
			tags: texts(tags && attribute(tags, 'Tags')),
			user: texts(tags && attribute(tags, 'User')),
			logs: groups.map((group) => readLog(h5wasm, h5, group, channels)),
			settings: settingsOf(h5wasm, h5),
			instruments: Object.fromEntries(
				childrenOf(h5wasm, h5, 'Instrument config').map(([name, group]) => [
					name,
					attributesOf(group)
				])
			)
		};
	} finally {
		h5.close();
	}
}

const byNumber = (a: string, b: string) => Number(a.slice(4)) - Number(b.slice(4));

/** The groups holding the file's logs: the root's (''), then `Log_2`, `Log_3`, …. */
function logGroups(h5: InstanceType<H5['File']>): string[] {
	return [
		'',
		...h5
			.keys()
			.filter((key) => /^Log_\d+$/.test(key))
			.sort(byNumber)
	];
}

/**
 * Whether every log in the file is `Completed`: only their `Data` attributes are read, not the
 * data, since a scan asks it of each recent file every cycle.
 */
export async function labberLogsCompleted(file: string): Promise<boolean> {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'r');
	if (h5.file_id < 0n) throw new Error('it cannot be opened as HDF5');
	try {
		return logGroups(h5).every((group) =>
			isCompleted(h5.get(group ? `${group}/Data` : 'Data') as Group | null)
		);
	} finally {
		h5.close();
	}
}

/** A log's `Data` attribute `Completed`; a log without one was written before Labber had it. */
function isCompleted(data: Group | null): boolean {
	return Boolean(Number(attribute(data, 'Completed') ?? 1));
}

function readLog(
	h5wasm: H5,
	h5: InstanceType<H5['File']>,
	group: string,
	channels: Map<string, Record<string, unknown>>
): LabberLog {
	const at = (name: string) => (group ? `${group}/${name}` : name);
	const where = group || 'the root';
	const data = h5.get(at('Data/Data')) as Dataset | null;
	const dataGroup = h5.get(at('Data')) as Group | null;
	if (!(data instanceof h5wasm.Dataset) || !dataGroup) {
		throw new Error(`${where} has no Data/Data`);
	}
	const [points = 0, columns = 0, entries = 1] = data.shape ?? [];
	if (points * columns * entries > MAX_LOG_VALUES) {
		throw new Error(
			`${where} holds ${points * columns * entries} values, more than this agent exports (${MAX_LOG_VALUES})`
		);
	}
	const values = Float64Array.from(data.value as ArrayLike<number>);
	// `(name, info)` rows: a 2-column string array, or a compound of two fields.
	const names = (
		(h5.get(at('Data/Channel names')) as Dataset | null)?.value as unknown[] | undefined
	)
		?.flatMap((row) => (Array.isArray(row) ? row : [row]))
		.map(String);
	if (!names || names.length !== columns * 2) {
		throw new Error(`${where}: Data/Channel names does not name the ${columns} columns`);
	}
	const columnOf = new Map<string, number>();
	for (let c = 0; c < columns; c += 1) columnOf.set(`${names[2 * c]}\0${names[2 * c + 1]}`, c);
	/** Channel `name`'s values in written order (point inner, entry outer). */
	const column = (c: number) => {
		const out = new Float64Array(points * entries);
		for (let e = 0; e < entries; e += 1) {
			for (let p = 0; p < points; p += 1)
				out[e * points + p] = values[(p * columns + c) * entries + e]!;
		}
		return out;
	};
	const read = (name: string): ArrayValues | null => {
		const real = columnOf.get(`${name}\0`) ?? columnOf.get(`${name}\0Real`);
		if (real === undefined) return null;
		const imaginary = columnOf.get(`${name}\0Imaginary`);
		return imaginary === undefined ? column(real) : { real: column(real), imag: column(imaginary) };
	};

	// A further log may have lists of its own; else the root's hold.
	const stepList = (group && rowsOrNull(h5, at('Step list'))) || rows(h5, 'Step list');
	const stepDimensions = numbers(
		attribute(dataGroup, 'Step dimensions') ??
			attribute(h5.get(group || '/') as Group, 'Step dimensions') ??
			attribute(h5, 'Step dimensions')
	);
	const stepIndex = numbers(attribute(dataGroup, 'Step index'));
	const stepped = (
		stepIndex.length ? stepIndex : stepDimensions.flatMap((n, i) => (n > 1 ? [i] : []))
	)
		.map((index) => ({ row: stepList[index], size: stepDimensions[index] ?? 1 }))
		.filter(({ row, size }) => row && size > 1 && !Number(row.use_relations ?? 0)) as {
		row: Record<string, unknown>;
		size: number;
	}[];
	const notes: string[] = [];
	const completed = isCompleted(dataGroup);
	const total = stepped.reduce((product, { size }) => product * size, 1);
	const written = points * entries;
	const unitOf = (name: string, fallback = '') => String(channels.get(name)?.unitPhys ?? fallback);

	let dimensions: Dimension[];
	let size: number;
	if (stepped.length && total >= written) {
		// Labber's axes run inner first (Fortran order): as C order, outermost first.
		dimensions = stepped
			.map(({ row, size: length }, axis) => {
				const name = String(row.channel_name);
				const stride = stepped.slice(0, axis).reduce((product, s) => product * s.size, 1);
				const all = read(name);
				const axisValues = new Float64Array(length).fill(NaN);
				if (all instanceof Float64Array) {
					for (let i = 0; i < length && i * stride < written; i += 1)
						axisValues[i] = all[i * stride]!;
				}
				return {
					name: hdf5Name(name),
					values: axisValues,
					attributes: { units: unitOf(name, String(row.step_unit ?? '')), long_name: name }
				};
			})
			.reverse();
		size = total;
		if (written < total) {
			notes.push(`${where}: ${written} of ${total} points measured; the rest is NaN`);
		}
	} else {
		if (stepped.length) {
			notes.push(
				`${where}: its ${written} points do not fill the step dimensions (${total}): exported as flat arrays over a point index`
			);
		}
		dimensions = [
			{
				name: 'point',
				values: Float64Array.from({ length: written }, (_, i) => i),
				attributes: { long_name: 'point' }
			}
		];
		size = written;
	}
	const dims = dimensions.map((dimension) => dimension.name);
	const taken = new Set(dims);
	const logList = ((group && rowsOrNull(h5, at('Log list'))) || rows(h5, 'Log list')).map((row) =>
		String(row.channel_name)
	);
	const variables: Variable[] = [];
	for (const name of logList) {
		const found = read(name);
		if (!found) {
			notes.push(`${where}: logged channel "${name}" has no column in Data/Data`);
			continue;
		}
		const exported = hdf5Name(name);
		variables.push({
			name: taken.has(exported) ? `${exported} (logged)` : exported,
			dims,
			values: padded(found, size),
			attributes: { units: unitOf(name), long_name: name }
		});
	}
	const shape = dimensions.map((dimension) => lengthOf(dimension.values));
	return {
		group,
		completed,
		dimensions,
		variables,
		parameters: [
			...dimensions.map((d) => ({
				name: d.name,
				long_name: String(d.attributes.long_name ?? d.name),
				units: String(d.attributes.units ?? ''),
				dims: [d.name],
				shape: [lengthOf(d.values)]
			})),
			...variables.map((v) => ({
				name: v.name,
				long_name: String(v.attributes.long_name),
				units: String(v.attributes.units),
				dims,
				shape
			}))
		],
		notes
	};
}

/** A channel's name as an HDF5 name: `/` separates groups there (the name stays `long_name`). */
function hdf5Name(name: string): string {
	return name.replaceAll('/', '_');
}

/** `values` made `size` long, what was not measured yet NaN. */
function padded(values: ArrayValues, size: number): ArrayValues {
	const pad = (from: Float64Array) => {
		if (from.length === size) return from;
		const out = new Float64Array(size).fill(NaN);
		out.set(from.subarray(0, size));
		return out;
	};
	if (values instanceof Float64Array) return pad(values);
	if (Array.isArray(values)) return values;
	return { real: pad(values.real), imag: pad(values.imag) };
}

/** `Step list` and each channel's `Step config` items, as plain JSON. */
function settingsOf(h5wasm: H5, h5: InstanceType<H5['File']>): Record<string, unknown> {
	return {
		step_list: rows(h5, 'Step list'),
		step_config: Object.fromEntries(
			childrenOf(h5wasm, h5, 'Step config').map(([name, group]) => [
				name,
				Object.fromEntries(group.keys().map((key) => [key, rows(group, key)] as const))
			])
		)
	};
}

function childrenOf(h5wasm: H5, h5: InstanceType<H5['File']>, path: string): [string, Group][] {
	const parent = h5.get(path);
	if (!(parent instanceof h5wasm.Group)) return [];
	return parent
		.keys()
		.map((key) => [key, parent.get(key)] as const)
		.filter((entry): entry is [string, Group] => entry[1] instanceof h5wasm.Group);
}

/** A compound dataset's rows as objects by field name; none when it is absent. */
function rows(parent: Group, path: string): Record<string, unknown>[] {
	return rowsOrNull(parent, path) ?? [];
}

function rowsOrNull(parent: Group, path: string): Record<string, unknown>[] | null {
	const dataset = parent.get(path) as Dataset | null;
	if (!dataset || !('dtype' in dataset) || !Array.isArray(dataset.dtype)) return null;
	const fields = (dataset.dtype as [string, unknown][]).map(([name]) => name);
	return ((dataset.value as unknown[][]) ?? []).map((row) =>
		Object.fromEntries(fields.map((field, i) => [field, plain(row[i])]))
	);
}

function attribute(entity: Group | null, name: string): unknown {
	return entity?.attrs?.[name]?.value ?? undefined;
}

function attributesOf(group: Group): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(group.attrs).map(([name, attr]) => [name, plain(attr.value)])
	);
}

/** A value JSON can hold: typed arrays as arrays, bigints as numbers. */
function plain(value: unknown): unknown {
	if (typeof value === 'bigint') return Number(value);
	if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, plain);
	if (Array.isArray(value)) return value.map(plain);
	return value;
}

function texts(value: unknown): string[] {
	if (value === undefined || value === null || value === '') return [];
	if (typeof value === 'string') return [value];
	if (Array.isArray(value)) return value.map(String).filter((text) => text !== '');
	return [String(value)];
}

function numbers(value: unknown): number[] {
	if (value === undefined || value === null) return [];
	if (typeof value === 'number' || typeof value === 'bigint') return [Number(value)];
	return Array.from(value as ArrayLike<number | bigint>, Number);
}

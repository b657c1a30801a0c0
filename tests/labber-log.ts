/**
 * Writes Labber log files with h5wasm, in the layout Labber's Log Browser writes and
 * shabanipy reads: root attributes, `/Channels`, `/Instruments`, `/Instrument config`,
 * `/Step list`, `/Step config`, `/Log list`, `/Tags`, and `/Data` with `Data` as
 * `[points, columns, entries]` (step dimensions inner first, in Fortran order) and
 * `Channel names` as `(name, "" | "Real" | "Imaginary")` rows. Further logs go to `Log_2`, ….
 */
import { loadH5wasm } from '../src/agent/files/h5wasm';

export interface Step {
	name: string;
	unit: string;
	values: number[];
}

export interface LoggedChannel {
	name: string;
	unit: string;
	complex?: boolean;
	/** The value at a point, by its index along each step (inner first). */
	value: (index: number[]) => number | [number, number];
}

export interface LogSpec {
	steps: Step[];
	channels: LoggedChannel[];
	completed?: boolean;
	/** Entries written so far (the outer iterations); default all of them. */
	entries?: number;
}

export interface LabberSpec extends LogSpec {
	logName: string;
	creationTime: number;
	comment?: string;
	star?: boolean;
	project?: string;
	tags?: string[];
	user?: string;
	extraLogs?: LogSpec[];
}

type H5 = Awaited<ReturnType<typeof loadH5wasm>>;
type Group = InstanceType<H5['Group']>;

/** The group at `path`, made with its parents where they are missing. */
function groupAt(h5: Group, path: string): Group {
	let group = h5;
	for (const part of path.split('/'))
		group = (group.get(part) as Group | null) ?? group.create_group(part);
	return group;
}

function compound(group: Group, name: string, fields: [string, string][], rows: unknown[][]) {
	group.create_dataset({
		name,
		data: new Map(fields.map(([field], i) => [field, rows.map((row) => row[i])])) as never,
		shape: [rows.length],
		dtype: fields as never
	});
}

function writeLog(h5: Group, prefix: string, spec: LogSpec) {
	const at = (name: string) => (prefix ? `${prefix}/${name}` : name);
	const sizes = spec.steps.map((step) => step.values.length);
	const points = sizes[0] ?? 1;
	const allEntries = sizes.slice(1).reduce((a, b) => a * b, 1);
	const entries = spec.entries ?? allEntries;
	type Column = [name: string, info: string, value: (index: number[]) => number];
	const columns: Column[] = [
		...spec.steps.map((step, axis): Column => [
			step.name,
			'',
			(index) => step.values[index[axis]!]!
		]),
		...spec.channels.flatMap((channel): Column[] =>
			channel.complex
				? [
						[channel.name, 'Real', (index) => (channel.value(index) as number[])[0]!],
						[channel.name, 'Imaginary', (index) => (channel.value(index) as number[])[1]!]
					]
				: [[channel.name, '', (index) => channel.value(index) as number]]
		)
	];
	const data = new Float64Array(points * columns.length * entries);
	for (let e = 0; e < entries; e++) {
		for (let p = 0; p < points; p++) {
			// Fortran order: the point is the inner step, the entry runs over the outer ones.
			const index = [p];
			let rest = e;
			for (const size of sizes.slice(1)) {
				index.push(rest % size);
				rest = Math.floor(rest / size);
			}
			columns.forEach(
				([, , value], c) => (data[(p * columns.length + c) * entries + e] = value(index))
			);
		}
	}
	const dataGroup = groupAt(h5, at('Data'));
	dataGroup.create_attribute('Completed', spec.completed === false ? 0 : 1, null, '<i4');
	dataGroup.create_attribute(
		'Step index',
		spec.steps.map((_, i) => i),
		[spec.steps.length],
		'<i4'
	);
	dataGroup.create_dataset({ name: 'Data', data, shape: [points, columns.length, entries] });
	dataGroup.create_dataset({
		name: 'Channel names',
		data: columns.flatMap(([name, info]) => [name, info]),
		shape: [columns.length, 2],
		dtype: 'S64'
	});
	compound(
		h5,
		at('Step list'),
		[
			['channel_name', 'S64'],
			['step_unit', 'S16'],
			['use_relations', '<i4']
		],
		spec.steps.map((step) => [step.name, step.unit, 0])
	);
	compound(
		h5,
		at('Log list'),
		[['channel_name', 'S64']],
		spec.channels.map((channel) => [channel.name])
	);
	if (!prefix) {
		h5.create_attribute('Step dimensions', sizes, [sizes.length], '<i4');
		for (const step of spec.steps) {
			const config = groupAt(h5, `Step config/${step.name}`);
			compound(
				config,
				'Step items',
				[
					['start', '<d'],
					['stop', '<d'],
					['n_pts', '<d']
				],
				[[step.values[0]!, step.values.at(-1)!, step.values.length]]
			);
		}
	} else {
		dataGroup.create_attribute('Step dimensions', sizes, [sizes.length], '<i4');
	}
}

/** Writes a Labber log file at `file`. */
export async function writeLabberLog(file: string, spec: LabberSpec): Promise<void> {
	const h5wasm = await loadH5wasm();
	const h5 = new h5wasm.File(file, 'w');
	try {
		h5.create_attribute('log_name', spec.logName);
		h5.create_attribute('creation_time', spec.creationTime, null, '<d');
		h5.create_attribute('comment', spec.comment ?? '');
		h5.create_attribute('star', spec.star ? 1 : 0, null, '<i4');
		h5.create_attribute('version', '1.4');
		const channels = [
			...spec.steps,
			...spec.channels,
			...(spec.extraLogs ?? []).flatMap((log) => [...log.steps, ...log.channels])
		];
		compound(
			h5,
			'Channels',
			[
				['name', 'S64'],
				['instrument', 'S64'],
				['quantity', 'S64'],
				['unitPhys', 'S16']
			],
			[...new Map(channels.map((c) => [c.name, c])).values()].map((c) => [
				c.name,
				'Manual - demo',
				c.name,
				c.unit
			])
		);
		compound(h5, 'Instruments', [['id', 'S64']], [['Manual - demo']]);
		const instrument = groupAt(h5, 'Instrument config/Manual - demo');
		instrument.create_attribute('Voltage', 0.25, null, '<d');
		instrument.create_attribute('Mode', 'DC');
		const tags = h5.create_group('Tags');
		tags.create_attribute('Project', spec.project ?? '');
		tags.create_attribute('Tags', spec.tags?.length ? spec.tags : ['']);
		tags.create_attribute('User', spec.user ?? '');
		writeLog(h5, '', spec);
		(spec.extraLogs ?? []).forEach((log, i) => writeLog(h5, `Log_${i + 2}`, log));
	} finally {
		h5.close();
	}
}

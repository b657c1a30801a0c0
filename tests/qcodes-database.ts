/**
 * Writes QCoDeS databases the way QCoDeS does, with better-sqlite3: its initial schema
 * (`qcodes/dataset/sqlite/initial_schema.py`) and the columns its upgrades add up to
 * `user_version` 9, results tables with one column per parameter typed by its paramtype,
 * NaN as the text 'nan', arrays as `.npy` version 3 blobs and complex values as a one-element
 * `.npy` array (QCoDeS' `_adapt_array` and `_adapt_complex`).
 */
import Database from 'better-sqlite3';

export interface Param {
	name: string;
	type?: 'numeric' | 'array' | 'complex' | 'text';
	label?: string;
	unit?: string;
	dependsOn?: string[];
}

export type Value = number | string | null | Float64Array | { re: number; im: number };

export interface RunSpec {
	experiment?: number;
	name?: string;
	params: Param[];
	rows?: Record<string, Value>[];
	completed?: boolean;
	timestamp?: number;
	snapshot?: string;
	metadata?: Record<string, string | number>;
}

/** A QCoDeS database file being written, as a QCoDeS kernel would. */
export class QcodesWriter {
	readonly db: Database.Database;
	readonly version: number;
	/** The experiment of runs that name none. */
	#default: number | null = null;

	/** `schema: false` opens a database written before, at its own version. */
	constructor(
		readonly file: string,
		{
			version = 9,
			wal = true,
			schema = true
		}: { version?: number; wal?: boolean; schema?: boolean } = {}
	) {
		this.db = new Database(file);
		if (wal) this.db.pragma('journal_mode = WAL');
		if (!schema) {
			this.version = this.db.pragma('user_version', { simple: true }) as number;
			return;
		}
		this.version = version;
		this.db.exec(`
			CREATE TABLE IF NOT EXISTS experiments (exp_id INTEGER PRIMARY KEY, name TEXT, sample_name TEXT,
				start_time INTEGER, end_time INTEGER, run_counter INTEGER, format_string TEXT);
			CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY, exp_id INTEGER, name TEXT,
				result_table_name TEXT, result_counter INTEGER, run_timestamp INTEGER,
				completed_timestamp INTEGER, is_completed BOOL, parameters TEXT,
				FOREIGN KEY(exp_id) REFERENCES experiments(exp_id));
			CREATE TABLE IF NOT EXISTS layouts (layout_id INTEGER PRIMARY KEY, run_id INTEGER, parameter TEXT,
				label TEXT, unit TEXT, inferred_from TEXT, FOREIGN KEY(run_id) REFERENCES runs(run_id));
			CREATE TABLE IF NOT EXISTS dependencies (dependent INTEGER, independent INTEGER, axis_num INTEGER);
		`);
		if (version >= 1) this.db.exec('ALTER TABLE runs ADD COLUMN guid TEXT');
		if (version >= 2) {
			this.db.exec('CREATE INDEX IF NOT EXISTS IX_runs_exp_id ON runs (exp_id DESC)');
			this.db.exec('CREATE INDEX IF NOT EXISTS IX_runs_guid ON runs (guid DESC)');
		}
		if (version >= 3) this.db.exec('ALTER TABLE runs ADD COLUMN run_description TEXT');
		if (version >= 5) this.db.exec('ALTER TABLE runs ADD COLUMN snapshot TEXT');
		if (version >= 7) {
			this.db.exec('ALTER TABLE runs ADD COLUMN captured_run_id');
			this.db.exec('ALTER TABLE runs ADD COLUMN captured_counter');
		}
		if (version >= 8) this.db.exec('ALTER TABLE runs ADD COLUMN parent_datasets TEXT');
		if (version >= 9) {
			this.db.exec(
				'CREATE INDEX IF NOT EXISTS IX_runs_captured_run_id ON runs (captured_run_id DESC)'
			);
		}
		this.db.pragma(`user_version = ${version}`);
	}

	experiment(name: string, sample: string): number {
		return Number(
			this.db
				.prepare(
					`INSERT INTO experiments (name, sample_name, start_time, end_time, run_counter, format_string)
					VALUES (?, ?, ?, NULL, 0, '{}-{}-{}')`
				)
				.run(name, sample, Date.now() / 1000).lastInsertRowid
		);
	}

	/** Creates a run with its results table and layouts, writes its rows; its run id. */
	run(spec: RunSpec): number {
		const experiment =
			spec.experiment ?? (this.#default ??= this.experiment('experiment', 'sample'));
		const write = this.db.transaction(() => {
			const counter =
				(
					this.db
						.prepare('SELECT run_counter FROM experiments WHERE exp_id = ?')
						.get(experiment) as {
						run_counter: number;
					}
				).run_counter + 1;
			this.db
				.prepare('UPDATE experiments SET run_counter = ? WHERE exp_id = ?')
				.run(counter, experiment);
			const name = spec.name ?? 'results';
			const table = `${name.replace(/\W/g, '_')}-${experiment}-${counter}`;
			const timestamp = spec.timestamp ?? Date.now() / 1000;
			const runId = Number(
				this.db
					.prepare(
						`INSERT INTO runs (exp_id, name, result_table_name, result_counter, run_timestamp, is_completed, parameters)
						VALUES (?, ?, ?, ?, ?, 0, ?)`
					)
					.run(
						experiment,
						name,
						table,
						counter,
						timestamp,
						spec.params.map((p) => p.name).join(',')
					).lastInsertRowid
			);
			const extra: Record<string, unknown> = {};
			if (this.version >= 1) extra.guid = guidOf(timestamp, runId);
			if (this.version >= 3) extra.run_description = describe(spec.params);
			if (this.version >= 5 && spec.snapshot) extra.snapshot = spec.snapshot;
			if (this.version >= 7)
				Object.assign(extra, { captured_run_id: runId, captured_counter: counter });
			if (this.version >= 8) extra.parent_datasets = '[]';
			for (const [column, value] of Object.entries(spec.metadata ?? {})) {
				this.addMetadataColumn(column);
				extra[column] = value;
			}
			for (const [column, value] of Object.entries(extra)) {
				this.db.prepare(`UPDATE runs SET "${column}" = ? WHERE run_id = ?`).run(value, runId);
			}
			this.db.exec(
				`CREATE TABLE "${table}" (id INTEGER PRIMARY KEY${spec.params.map((p) => `, "${p.name}" ${p.type ?? 'numeric'}`).join('')})`
			);
			const layoutIds = new Map<string, number>();
			for (const p of spec.params) {
				layoutIds.set(
					p.name,
					Number(
						this.db
							.prepare(
								'INSERT INTO layouts (run_id, parameter, label, unit, inferred_from) VALUES (?, ?, ?, ?, ?)'
							)
							.run(runId, p.name, p.label ?? p.name, p.unit ?? '', '').lastInsertRowid
					)
				);
			}
			for (const p of spec.params) {
				(p.dependsOn ?? []).forEach((setpoint, axis) =>
					this.db
						.prepare('INSERT INTO dependencies (dependent, independent, axis_num) VALUES (?, ?, ?)')
						.run(layoutIds.get(p.name), layoutIds.get(setpoint), axis)
				);
			}
			return runId;
		});
		const runId = write();
		if (spec.rows) this.addRows(runId, spec.rows);
		if (spec.completed ?? true) this.complete(runId);
		return runId;
	}

	addRows(runId: number, rows: Record<string, Value>[]): void {
		const { result_table_name: table } = this.db
			.prepare('SELECT result_table_name FROM runs WHERE run_id = ?')
			.get(runId) as { result_table_name: string };
		this.db.transaction(() => {
			for (const row of rows) {
				const names = Object.keys(row);
				this.db
					.prepare(
						`INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map(() => '?').join(', ')})`
					)
					.run(...names.map((n) => adapt(row[n]!)));
			}
		})();
	}

	complete(runId: number): void {
		this.db
			.prepare('UPDATE runs SET is_completed = 1, completed_timestamp = ? WHERE run_id = ?')
			.run(Date.now() / 1000, runId);
	}

	addMetadataColumn(column: string): void {
		const has = (this.db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).some(
			(c) => c.name === column
		);
		if (!has) this.db.exec(`ALTER TABLE runs ADD COLUMN "${column}"`);
	}

	close(): void {
		this.db.close();
	}
}

/** A value as QCoDeS' adapters store it. */
function adapt(value: Value): number | string | Buffer | null {
	if (value === null || typeof value === 'string') return value;
	if (typeof value === 'number') return Number.isNaN(value) ? 'nan' : value;
	if (value instanceof Float64Array) return npy('<f8', [value.length], Buffer.from(value.buffer));
	const bytes = Buffer.alloc(16);
	bytes.writeDoubleLE(value.re, 0);
	bytes.writeDoubleLE(value.im, 8);
	return npy('<c16', [1], bytes, 1);
}

/** A `.npy` file: NumPy's header padded so the data starts on a 64-byte boundary. */
export function npy(descr: string, shape: number[], data: Buffer, version = 3): Buffer {
	const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
	let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
	const prefix = version === 1 ? 10 : 12;
	const padding = 64 - ((prefix + header.length + 1) % 64);
	header = `${header}${' '.repeat(padding % 64)}\n`;
	const head = Buffer.alloc(prefix);
	Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(head);
	if (version === 1) head.writeUInt16LE(header.length, 8);
	else head.writeUInt32LE(header.length, 8);
	return Buffer.concat([head, Buffer.from(header, 'latin1'), data]);
}

/** QCoDeS' run description, storage version 3: old and new interdependencies, no shapes. */
function describe(params: Param[]): string {
	const base = (p: Param) => ({
		name: p.name,
		paramtype: p.type ?? 'numeric',
		label: p.label ?? p.name,
		unit: p.unit ?? ''
	});
	const dependencies = Object.fromEntries(
		params.filter((p) => p.dependsOn?.length).map((p) => [p.name, p.dependsOn])
	);
	const used = new Set([...Object.keys(dependencies), ...Object.values(dependencies).flat()]);
	return JSON.stringify({
		version: 3,
		interdependencies: {
			paramspecs: params.map((p) => ({
				...base(p),
				inferred_from: [],
				depends_on: p.dependsOn ?? []
			}))
		},
		interdependencies_: {
			parameters: Object.fromEntries(params.map((p) => [p.name, base(p)])),
			dependencies,
			inferences: {},
			standalones: params.filter((p) => !used.has(p.name)).map((p) => p.name)
		},
		shapes: null
	});
}

/** A guid in QCoDeS' layout: `aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee` from location, time, id. */
function guidOf(timestamp: number, runId: number): string {
	const hex = (n: number, width: number) => n.toString(16).padStart(width, '0').slice(-width);
	const ms = Math.round(timestamp * 1000);
	return `aaaaaaaa-0000-0000-${hex(Math.floor(ms / 2 ** 48), 4)}-${hex(ms % 2 ** 48, 12)}`.replace(
		'0000-0000',
		`0000-${hex(runId, 4)}`
	);
}

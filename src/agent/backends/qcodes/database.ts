/**
 * A QCoDeS database, opened read-only: the `experiments` and `runs` tables (with whatever
 * columns upgrades and users added), each run's parameters and its results table. Nothing
 * here writes: no pragma that changes the file, no checkpoint, so a QCoDeS kernel writing to
 * it is never disturbed.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { TryLaterError } from '../types';

export type QcodesDb = Database.Database;

/** Columns of `runs` that QCoDeS itself defines; every other one is user metadata. */
const RUN_COLUMNS = new Set([
	'run_id',
	'exp_id',
	'name',
	'result_table_name',
	'result_counter',
	'run_timestamp',
	'completed_timestamp',
	'is_completed',
	'parameters',
	'guid',
	'run_description',
	'snapshot',
	'captured_run_id',
	'captured_counter',
	'parent_datasets'
]);

/** How long a read waits for a writer's lock before it is tried again later. */
const BUSY_TIMEOUT_MS = 100;

/** Connections kept between scans: each new one parses the schema, a table per run. */
const connections = new Map<string, { db: QcodesDb; identity: string; usedAt: number }>();
/** A connection unused this long (its source deleted or stopped) is closed. */
const IDLE_MS = 5 * 60_000;
let idleCheck: NodeJS.Timeout | null = null;

function openReadOnly(file: string): QcodesDb {
	return new Database(file, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
}

function close(file: string): void {
	connections.get(file)?.db.close();
	connections.delete(file);
	if (connections.size === 0 && idleCheck) {
		clearInterval(idleCheck);
		idleCheck = null;
	}
}

/**
 * The open read-only connection to the database at `file`, opened anew when the file there
 * is another one. A WAL database is read beside its writer; an idle connection holds no lock.
 */
function connectionTo(file: string): { db: QcodesDb; stat: fs.Stats } {
	const stat = fs.statSync(file);
	const identity = `${stat.dev}:${stat.ino}`;
	let open = connections.get(file);
	if (open && open.identity !== identity) {
		close(file);
		open = undefined;
	}
	if (!open) {
		open = { db: openReadOnly(file), identity, usedAt: 0 };
		connections.set(file, open);
		idleCheck ??= setInterval(() => {
			for (const [other, { usedAt }] of connections) {
				if (Date.now() - usedAt > IDLE_MS) close(other);
			}
		}, IDLE_MS).unref();
	}
	open.usedAt = Date.now();
	return { db: open.db, stat };
}

/**
 * Runs `read` in one read transaction (one consistent view), with the file's `stat` as it was
 * opened. A database locked by its writer (a rollback journal mid-write) throws TryLaterError.
 */
export function withQcodesDatabase<T>(file: string, read: (db: QcodesDb, stat: fs.Stats) => T): T {
	try {
		const { db, stat } = connectionTo(file);
		return db.transaction(() => read(db, stat))();
	} catch (error) {
		const later = asTryLater(error, file);
		if (later) throw later;
		// Whatever went wrong, the next read starts from a new connection.
		close(file);
		throw error;
	}
}

function asTryLater(error: unknown, file: string): TryLaterError | null {
	const code = (error as { code?: string }).code ?? '';
	if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
		return new TryLaterError(`${file} is locked by a writer; it is read again shortly`);
	}
	return null;
}

/**
 * Why the file is not a QCoDeS database, or null when it is one (or is locked: it looks like
 * one). Checked once, when a source is saved: the connection is not kept.
 */
export function qcodesSchemaProblem(file: string): string | null {
	let db: QcodesDb | null = null;
	try {
		db = openReadOnly(file);
		const tables = new Set(
			db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]
		);
		const missing = ['experiments', 'runs'].filter((table) => !tables.has(table));
		return missing.length
			? `${file} is an SQLite database without QCoDeS's ${missing.join(' and ')} table${missing.length > 1 ? 's' : ''}`
			: null;
	} catch (error) {
		if (asTryLater(error, file)) return null;
		const code = (error as { code?: string }).code;
		if (code === 'SQLITE_NOTADB') return `${file} is not an SQLite database`;
		return `${file} cannot be read as an SQLite database: ${(error as Error).message}`;
	} finally {
		db?.close();
	}
}

/** The columns `runs` has in this database: QCoDeS' own, and the metadata ones. */
export function runColumns(db: QcodesDb): { own: Set<string>; metadata: string[] } {
	const names = (db.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map(
		(column) => column.name
	);
	return {
		own: new Set(names.filter((name) => RUN_COLUMNS.has(name))),
		metadata: names.filter((name) => !RUN_COLUMNS.has(name))
	};
}

/** `"name"` with inner quotes doubled: a column or table name as SQL. */
export function quoted(name: string): string {
	return `"${name.replaceAll('"', '""')}"`;
}

export function tableExists(db: QcodesDb, table: string): boolean {
	return (
		db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !==
		undefined
	);
}

/** A parameter of a run, from its run description or (old databases) its layouts. */
export interface ParamSpec {
	name: string;
	type: string;
	label: string;
	unit: string;
	dependsOn: string[];
	inferredFrom: string[];
}

interface SpecDict {
	name?: unknown;
	paramtype?: unknown;
	label?: unknown;
	unit?: unknown;
	depends_on?: unknown;
	inferred_from?: unknown;
}

const names = (value: unknown): string[] =>
	Array.isArray(value)
		? value.map(String)
		: typeof value === 'string' && value !== ''
			? value.split(', ')
			: [];

function specOf(dict: SpecDict, dependsOn: string[], inferredFrom: string[]): ParamSpec {
	return {
		name: String(dict.name),
		type: typeof dict.paramtype === 'string' ? dict.paramtype : 'numeric',
		label: typeof dict.label === 'string' ? dict.label : '',
		unit: typeof dict.unit === 'string' ? dict.unit : '',
		dependsOn,
		inferredFrom
	};
}

/**
 * The parameters from a run description, of any version: `interdependencies_` (versions 2
 * and 3, and 1 under `interdependencies`) names dependencies and inferences by parameter;
 * version 0 lists `paramspecs` with their own `depends_on`.
 */
export function paramsFromDescription(json: string): ParamSpec[] {
	const description = JSON.parse(json) as Record<string, unknown>;
	const current = (description.interdependencies_ ??
		(description.version === 1 ? description.interdependencies : undefined)) as
		| {
				parameters?: Record<string, SpecDict>;
				dependencies?: Record<string, string[]>;
				inferences?: Record<string, string[]>;
		  }
		| undefined;
	if (current?.parameters) {
		return Object.entries(current.parameters).map(([name, dict]) =>
			specOf(
				{ ...dict, name },
				names(current.dependencies?.[name]),
				names(current.inferences?.[name])
			)
		);
	}
	const old = description.interdependencies as { paramspecs?: SpecDict[] } | undefined;
	if (!Array.isArray(old?.paramspecs)) {
		throw new Error('the run description names no parameters');
	}
	return old.paramspecs.map((dict) =>
		specOf(dict, names(dict.depends_on), names(dict.inferred_from))
	);
}

/** The parameters of a run from the `layouts` and `dependencies` tables (schemas before 3). */
export function paramsFromLayouts(db: QcodesDb, runId: number): ParamSpec[] {
	const layouts = db
		.prepare(
			'SELECT layout_id, parameter, label, unit, inferred_from FROM layouts WHERE run_id = ? ORDER BY layout_id'
		)
		.all(runId) as {
		layout_id: number;
		parameter: string;
		label: string | null;
		unit: string | null;
		inferred_from: string | null;
	}[];
	const byId = new Map(layouts.map((layout) => [layout.layout_id, layout.parameter]));
	const dependencies = db
		.prepare(
			`SELECT dependent, independent FROM dependencies
			WHERE dependent IN (SELECT layout_id FROM layouts WHERE run_id = ?) ORDER BY dependent, axis_num`
		)
		.all(runId) as { dependent: number; independent: number }[];
	const types = resultColumnTypes(db, runId);
	return layouts.map((layout) =>
		specOf(
			{
				name: layout.parameter,
				label: layout.label ?? '',
				unit: layout.unit ?? '',
				paramtype: types.get(layout.parameter)
			},
			dependencies
				.filter((row) => row.dependent === layout.layout_id)
				.map((row) => byId.get(row.independent) ?? String(row.independent)),
			names(layout.inferred_from)
		)
	);
}

/** The declared types of a run's result columns (`numeric`, `array`, `complex`, `text`). */
function resultColumnTypes(db: QcodesDb, runId: number): Map<string, string> {
	const row = db.prepare('SELECT result_table_name FROM runs WHERE run_id = ?').get(runId) as
		{ result_table_name: string } | undefined;
	if (!row || !tableExists(db, row.result_table_name)) return new Map();
	return new Map(
		(
			db.prepare(`PRAGMA table_info(${quoted(row.result_table_name)})`).all() as {
				name: string;
				type: string;
			}[]
		).map((column) => [column.name, column.type.toLowerCase()])
	);
}

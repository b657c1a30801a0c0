import os from 'node:os';
import type { ErrorDetail, Source, SourceStatus } from '../../lib/contract';
import { ContractError } from './contract-error';
import { foldersOverlap, realPathOr, validateConfig } from '../backends/config';
import { findBackend, itemRootOf } from '../backends/catalog';
import type { BackendDefinition, ConfigData } from '../backends/types';
import type { Db } from '../db/database';
import { now, writeTransaction } from '../db/database';
import { recordError } from './error-inbox';
import { markOtherRootsMissing } from './item-queue';
import { refreshUnmapped, scopeExists } from './scopes';

export interface SourceRow {
	id: number;
	name: string;
	backend_identifier: string;
	status: SourceStatus;
	config_data: string;
	default_scope: string | null;
	autoassign_scope_mapping: number;
	owner: string | null;
	last_update: string | null;
	items_total: number;
	items_synced: number;
	items_failed: number;
	items_unmapped: number;
	items_missing: number;
	recheck_at: string | null;
	rechecks: number;
}

export function toSource(row: SourceRow): Source {
	return {
		id: row.id,
		name: row.name,
		backend_identifier: row.backend_identifier,
		status: row.status,
		items_total: row.items_total,
		items_synced: row.items_synced,
		items_failed: row.items_failed,
		items_unmapped_scope_count: row.items_unmapped,
		items_missing: row.items_missing,
		last_update: row.last_update,
		config_data: JSON.parse(row.config_data) as ConfigData,
		default_scope: row.default_scope,
		autoassign_scope_mapping: row.autoassign_scope_mapping === 1,
		owner: row.owner
	};
}

export function findSourceRow(db: Db, id: number): SourceRow | undefined {
	return db.prepare('SELECT * FROM sources WHERE id = ?').get(id) as SourceRow | undefined;
}

export function getSourceRow(db: Db, id: number): SourceRow {
	const row = findSourceRow(db, id);
	if (!row) throw new ContractError('NotFound', `No sync source with id ${id}`);
	return row;
}

export function listSources(db: Db, filter: { status?: SourceStatus; backend?: string }): Source[] {
	const where: string[] = [];
	const params: string[] = [];
	if (filter.status) {
		where.push('status = ?');
		params.push(filter.status);
	}
	if (filter.backend) {
		where.push('backend_identifier = ?');
		params.push(filter.backend);
	}
	const sql = `SELECT * FROM sources ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name`;
	return (db.prepare(sql).all(...params) as SourceRow[]).map(toSource);
}

interface SourceSettings {
	name: string;
	backend: BackendDefinition;
	config: ConfigData;
	defaultScope: string | null;
}

/**
 * Everything a create or an update must satisfy, checked before anything is written; throws
 * one ValidationError (422) listing every field that is wrong, or a Conflict (409) for a
 * name that is taken.
 */
function validateSettings(db: Db, settings: SourceSettings, selfId: number | null): ConfigData {
	const { backend } = settings;
	const details: ErrorDetail[] = [];
	const { value: config, details: configDetails } = validateConfig(
		backend,
		settings.config,
		os.homedir()
	);
	details.push(...configDetails);

	if (settings.defaultScope !== null && !scopeExists(db, settings.defaultScope)) {
		details.push({ path: 'default_scope', message: `No scope with uuid ${settings.defaultScope}` });
	} else if (settings.defaultScope === null && backend.scopeRule === 'required') {
		details.push({
			path: 'default_scope',
			message: `${backend.name} sources need a default scope`
		});
	}

	// Two sources reading one folder (or one inside the other), or one database, would sync
	// the same datasets twice.
	const field = backend.folderField ?? backend.fileField;
	const folder = field ? config[field] : undefined;
	if (typeof folder === 'string') {
		const others = db
			.prepare(
				'SELECT id, name, config_data FROM sources WHERE backend_identifier = ? AND id IS NOT ?'
			)
			.all(backend.identifier, selfId) as { id: number; name: string; config_data: string }[];
		// By real paths: the same folder reached through a link is the same folder.
		const real = realPathOr(folder);
		for (const other of others) {
			const otherFolder = (JSON.parse(other.config_data) as ConfigData)[field!];
			if (typeof otherFolder !== 'string') continue;
			const otherReal = realPathOr(otherFolder);
			if (!foldersOverlap(real, otherReal)) continue;
			const throughLinks =
				real !== folder || otherReal !== otherFolder
					? `; their real paths are ${real} and ${otherReal}`
					: '';
			details.push({
				path: `config_data.${field}`,
				message: backend.folderField
					? `Overlaps the folder of source "${other.name}" (${otherFolder})${throughLinks}`
					: `Source "${other.name}" already reads this database (${otherFolder})${throughLinks}`
			});
		}
	}
	const { serverData } = backend;
	if (serverData && !details.length) {
		const where = serverData.of(config);
		const other = (
			db
				.prepare(
					'SELECT name, config_data FROM sources WHERE backend_identifier = ? AND id IS NOT ?'
				)
				.all(backend.identifier, selfId) as { name: string; config_data: string }[]
		).find((row) => serverData.of(JSON.parse(row.config_data) as ConfigData) === where);
		if (other) {
			details.push({
				path: `config_data.${serverData.field}`,
				message: `Source "${other.name}" already reads this database (${where})`
			});
		}
	}
	if (details.length)
		throw new ContractError('ValidationError', 'The source settings are invalid', details);

	const taken = db
		.prepare('SELECT id FROM sources WHERE name = ? AND id IS NOT ?')
		.get(settings.name, selfId);
	if (taken) {
		throw new ContractError('Conflict', `A sync source named "${settings.name}" already exists`, [
			{ path: selfId === null ? 'name' : 'rename_to', message: 'This name is taken' }
		]);
	}
	return config;
}

function installedBackend(identifier: string): BackendDefinition {
	const backend = findBackend(identifier);
	const problem = !backend
		? `Unknown backend "${identifier}"`
		: !backend.implementation
			? `The ${backend.name} backend is not installed in this sync agent`
			: null;
	if (problem) {
		throw new ContractError('ValidationError', problem, [
			{ path: 'backend_identifier', message: problem }
		]);
	}
	return backend!;
}

export function createSource(
	db: Db,
	input: {
		name: string;
		backend_identifier: string;
		config_data: ConfigData;
		default_scope?: string | null;
		autoassign_scope_mapping: boolean;
	}
): Source {
	const backend = installedBackend(input.backend_identifier);
	const defaultScope = input.default_scope ?? null;
	return writeTransaction(db, () => {
		const config = validateSettings(
			db,
			{ name: input.name, backend, config: input.config_data, defaultScope },
			null
		);
		const row = db
			.prepare(
				`INSERT INTO sources (name, backend_identifier, config_data, default_scope, autoassign_scope_mapping, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING *`
			)
			.get(
				input.name,
				backend.identifier,
				JSON.stringify(config),
				defaultScope,
				input.autoassign_scope_mapping ? 1 : 0,
				now()
			) as SourceRow;
		return toSource(row);
	});
}

export function updateSource(
	db: Db,
	id: number,
	input: {
		rename_to?: string;
		config_data?: ConfigData;
		default_scope?: string | null;
		autoassign_scope_mapping?: boolean;
	}
): Source {
	return writeTransaction(db, () => {
		const row = getSourceRow(db, id);
		const backend = installedBackend(row.backend_identifier);
		const name = input.rename_to ?? row.name;
		const defaultScope =
			input.default_scope === undefined ? row.default_scope : input.default_scope;
		const merged = { ...(JSON.parse(row.config_data) as ConfigData), ...input.config_data };
		const config = validateSettings(db, { name, backend, config: merged, defaultScope }, id);
		const autoassign = input.autoassign_scope_mapping ?? row.autoassign_scope_mapping === 1;
		const updated = db
			.prepare(
				`UPDATE sources SET name = ?, config_data = ?, default_scope = ?, autoassign_scope_mapping = ?
				WHERE id = ? RETURNING *`
			)
			.get(name, JSON.stringify(config), defaultScope, autoassign ? 1 : 0, id) as SourceRow;
		if (defaultScope !== row.default_scope) refreshUnmapped(db, id);
		// Another folder or database starts afresh: what was found in the old one is missing at once.
		markOtherRootsMissing(db, id, itemRootOf(backend, config));
		return toSource(findSourceRow(db, id) ?? updated);
	});
}

/** Removes the source with its items, errors and mappings; the data files stay untouched. */
export function deleteSource(db: Db, id: number): Source {
	return writeTransaction(db, () => {
		const source = toSource(getSourceRow(db, id));
		db.prepare('DELETE FROM sources WHERE id = ?').run(id);
		return source;
	});
}

/** Start: `stopped`/`error` → `syncing`. Stop: `syncing`/`scanning`/`error` → `stopped`. */
export function setRunning(db: Db, id: number, running: boolean): Source {
	return writeTransaction(db, () => changeRunning(db, id, running));
}

function changeRunning(db: Db, id: number, running: boolean): Source {
	const row = getSourceRow(db, id);
	const isRunning = row.status === 'syncing' || row.status === 'scanning';
	if (running && isRunning) {
		throw new ContractError(
			'SyncSourceAlreadyRunning',
			`Sync source "${row.name}" is already ${row.status}`
		);
	}
	if (!running && row.status === 'stopped') {
		throw new ContractError(
			'SyncSourceAlreadyStopped',
			`Sync source "${row.name}" is already stopped`
		);
	}
	const status: SourceStatus = running ? 'syncing' : 'stopped';
	return toSource(
		db
			.prepare(
				`UPDATE sources SET status = ?, last_update = ?, recheck_at = NULL, rechecks = 0
				WHERE id = ? RETURNING *`
			)
			.get(status, now(), id) as SourceRow
	);
}

export function setOwner(db: Db, id: number, owner: string | null): Source {
	return writeTransaction(db, () => changeOwner(db, id, owner));
}

function changeOwner(db: Db, id: number, owner: string | null): Source {
	const row = getSourceRow(db, id);
	const backend = findBackend(row.backend_identifier);
	if (!backend?.hasOwner) {
		throw new ContractError(
			'SyncSourceBackendHasNoOwner',
			`Sources of the ${backend?.name ?? row.backend_identifier} backend have no owner`
		);
	}
	return toSource(
		db.prepare('UPDATE sources SET owner = ? WHERE id = ? RETURNING *').get(owner, id) as SourceRow
	);
}

// What the agent process does to a source it runs. Each is one statement that only acts on a
// source still running, so a stop or delete from the API process always wins.

const RUNNING = `status IN ('syncing', 'scanning')`;

/** The sources the agent runs this cycle, in id order. */
export function listRunningSources(db: Db): SourceRow[] {
	return db.prepare(`SELECT * FROM sources WHERE ${RUNNING} ORDER BY id`).all() as SourceRow[];
}

export function isSourceRunning(db: Db, id: number): boolean {
	return db.prepare(`SELECT 1 FROM sources WHERE id = ? AND ${RUNNING}`).get(id) !== undefined;
}

/** Moves a running source to `scanning` or `syncing`; false when it was stopped meanwhile. */
export function setRunStatus(db: Db, id: number, status: 'scanning' | 'syncing'): boolean {
	return (
		db.prepare(`UPDATE sources SET status = ? WHERE id = ? AND ${RUNNING}`).run(status, id)
			.changes === 1
	);
}

/**
 * Moves a running source to `error` with a source error saying why; false if it was not running.
 * With `recheckAt`, the agent looks for what is missing again then (see `listSourcesToRecheck`).
 */
export function failRunningSource(
	db: Db,
	id: number,
	error: { exception: string; message: string; traceback: string | null },
	recheckAt: string | null = null
): boolean {
	return writeTransaction(db, () => {
		const moved = db
			.prepare(
				`UPDATE sources SET status = 'error', last_update = ?, recheck_at = ?, rechecks = 0
				WHERE id = ? AND ${RUNNING}`
			)
			.run(now(), recheckAt, id).changes;
		if (moved) recordError(db, { sourceId: id, ...error });
		return moved === 1;
	});
}

// A source in error waiting for its folder: each statement acts only while it still waits, so
// a start, stop or delete from the API process in between wins.
const WAITING = `status = 'error' AND recheck_at IS NOT NULL`;

/** Sources in error whose folder is due to be looked for again at `at`. */
export function listSourcesToRecheck(db: Db, at: string): SourceRow[] {
	return db
		.prepare(`SELECT * FROM sources WHERE ${WAITING} AND recheck_at <= ? ORDER BY id`)
		.all(at) as SourceRow[];
}

/** The folder is back: the source runs again. False if it no longer waited. */
export function resumeWaitingSource(db: Db, id: number): boolean {
	return (
		db
			.prepare(
				`UPDATE sources SET status = 'syncing', recheck_at = NULL, rechecks = 0, last_update = ?
				WHERE id = ? AND ${WAITING}`
			)
			.run(now(), id).changes === 1
	);
}

/** Still missing: look again at `at`. */
export function postponeRecheck(db: Db, id: number, at: string): void {
	db.prepare(
		`UPDATE sources SET recheck_at = ?, rechecks = rechecks + 1 WHERE id = ? AND ${WAITING}`
	).run(at, id);
}

export function markSourceUpdated(db: Db, id: number): void {
	db.prepare('UPDATE sources SET last_update = ? WHERE id = ?').run(now(), id);
}

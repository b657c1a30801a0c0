import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Scope } from '../../lib/contract';
import { ContractError } from './contract-error';
import { twoWayPage } from './cursor';
import { writeTransaction, type Db } from '../db/database';

/**
 * The local scope registry, standing in for the scopes of the qHarbor account: from
 * QH_SCOPES when given (kept in step with it at every start), else one default scope.
 */
export function seedScopes(db: Db, scopesJson: string | undefined): void {
	if (scopesJson) {
		let json: unknown;
		try {
			json = JSON.parse(scopesJson);
		} catch {
			throw new Error('QH_SCOPES must be a JSON list of {"uuid", "name"}: it is not JSON');
		}
		const parsed = z.array(Scope).safeParse(json);
		if (!parsed.success) {
			throw new Error(
				`QH_SCOPES must be a JSON list of {"uuid", "name"}: ${parsed.error.issues[0]?.message}`
			);
		}
		const upsert = db.prepare(
			'INSERT INTO scopes (uuid, name) VALUES (?, ?) ON CONFLICT (uuid) DO UPDATE SET name = excluded.name'
		);
		db.transaction(() => parsed.data.forEach((scope) => upsert.run(scope.uuid, scope.name)))();
		return;
	}
	const { count } = db.prepare('SELECT COUNT(*) AS count FROM scopes').get() as { count: number };
	if (count === 0)
		db.prepare('INSERT INTO scopes (uuid, name) VALUES (?, ?)').run(randomUUID(), 'Default scope');
}

export function listScopes(db: Db): Scope[] {
	return db.prepare('SELECT uuid, name FROM scopes ORDER BY name, uuid').all() as Scope[];
}

export function scopeExists(db: Db, uuid: string): boolean {
	return db.prepare('SELECT 1 FROM scopes WHERE uuid = ?').get(uuid) !== undefined;
}

/**
 * A page of the scope identifiers of a source's items that no mapping covers, in order, with
 * how many items wait for each, and how many identifiers wait in all.
 */
export function listUnmappedIdentifiers(
	db: Db,
	sourceId: number,
	query: { cursor?: string; limit: number }
) {
	const page = twoWayPage(
		'scope_identifier',
		'string',
		query.cursor,
		query.limit,
		(range, limit) =>
			db
				.prepare(
					`SELECT scope_identifier, COUNT(*) AS item_count FROM items
				WHERE source_id = ? AND unmapped = 1 AND ${range.condition}
				GROUP BY scope_identifier ORDER BY scope_identifier ${range.direction} LIMIT ?`
				)
				.all(sourceId, ...range.params, limit) as { scope_identifier: string; item_count: number }[]
	);
	const { total } = db
		.prepare(
			'SELECT COUNT(DISTINCT scope_identifier) AS total FROM items WHERE source_id = ? AND unmapped = 1'
		)
		.get(sourceId) as { total: number };
	return { ...page, total };
}

/**
 * SQL for 1 when an item of `source` with scope identifier `identifier` waits for a mapping:
 * its source has no default scope and no mapping covers the identifier. Every write of the
 * flag computes it in its own statement, from what is committed when it runs, so a mapping
 * made by the other process meanwhile is never overwritten with an older answer.
 */
export function waitsForMapping(source: string, identifier: string): string {
	return `(NOT EXISTS (SELECT 1 FROM sources s WHERE s.id = ${source} AND s.default_scope IS NOT NULL)
		AND NOT EXISTS (SELECT 1 FROM scope_mappings m
			WHERE m.source_id = ${source} AND m.scope_identifier = ${identifier}))`;
}

const ITEM_WAITS = waitsForMapping('items.source_id', 'items.scope_identifier');

/** Recomputes which items of a source wait for a mapping; the item triggers keep the counters. */
export function refreshUnmapped(db: Db, sourceId: number): void {
	db.prepare(
		`UPDATE items SET unmapped = ${ITEM_WAITS} WHERE source_id = ? AND unmapped != ${ITEM_WAITS}`
	).run(sourceId);
}

/** Maps every unmapped identifier that matches exactly one scope name, ignoring case. */
export function autoassign(db: Db, sourceId: number): number {
	return writeTransaction(db, () => {
		const scopes = listScopes(db);
		const insert = db.prepare(
			'INSERT OR IGNORE INTO scope_mappings (source_id, scope_identifier, scope_uuid) VALUES (?, ?, ?)'
		);
		let created = 0;
		const waiting = db
			.prepare('SELECT DISTINCT scope_identifier FROM items WHERE source_id = ? AND unmapped = 1')
			.pluck()
			.all(sourceId) as string[];
		for (const scope_identifier of waiting) {
			const matches = scopes.filter((s) => s.name.toLowerCase() === scope_identifier.toLowerCase());
			if (matches.length === 1)
				created += insert.run(sourceId, scope_identifier, matches[0]!.uuid).changes;
		}
		if (created) refreshUnmapped(db, sourceId);
		return created;
	});
}

export interface MappingRow {
	scope_identifier: string;
	scope_uuid: string;
	scope_name: string | null;
}

const MAPPINGS = `SELECT m.scope_identifier, m.scope_uuid, s.name AS scope_name FROM scope_mappings m
	LEFT JOIN scopes s ON s.uuid = m.scope_uuid WHERE m.source_id = ?`;

export function listMappings(db: Db, sourceId: number): MappingRow[] {
	return db.prepare(`${MAPPINGS} ORDER BY m.scope_identifier`).all(sourceId) as MappingRow[];
}

function findMapping(db: Db, sourceId: number, identifier: string): MappingRow | undefined {
	return db.prepare(`${MAPPINGS} AND m.scope_identifier = ?`).get(sourceId, identifier) as
		MappingRow | undefined;
}

function requireMapping(db: Db, sourceId: number, identifier: string): MappingRow {
	const mapping = findMapping(db, sourceId, identifier);
	if (!mapping) throw new ContractError('ScopeMappingNotFound', `"${identifier}" has no mapping`);
	return mapping;
}

function requireScope(db: Db, uuid: string) {
	if (!scopeExists(db, uuid)) {
		throw new ContractError('ScopeMappingInvalidScope', `No scope with uuid ${uuid}`, [
			{ path: 'scope_uuid', message: 'This scope does not exist' }
		]);
	}
}

export function createMapping(
	db: Db,
	sourceId: number,
	{ scope_identifier, scope_uuid }: { scope_identifier: string; scope_uuid: string }
): MappingRow {
	return writeTransaction(db, () => {
		if (findMapping(db, sourceId, scope_identifier)) {
			throw new ContractError(
				'ScopeMappingAlreadyExists',
				`"${scope_identifier}" is already mapped`
			);
		}
		requireScope(db, scope_uuid);
		db.prepare(
			'INSERT INTO scope_mappings (source_id, scope_identifier, scope_uuid) VALUES (?, ?, ?)'
		).run(sourceId, scope_identifier, scope_uuid);
		refreshUnmapped(db, sourceId);
		return findMapping(db, sourceId, scope_identifier)!;
	});
}

export function updateMapping(
	db: Db,
	sourceId: number,
	scopeIdentifier: string,
	scopeUuid: string
): MappingRow {
	return writeTransaction(db, () => {
		requireMapping(db, sourceId, scopeIdentifier);
		requireScope(db, scopeUuid);
		db.prepare(
			'UPDATE scope_mappings SET scope_uuid = ? WHERE source_id = ? AND scope_identifier = ?'
		).run(scopeUuid, sourceId, scopeIdentifier);
		return findMapping(db, sourceId, scopeIdentifier)!;
	});
}

export function deleteMapping(db: Db, sourceId: number, scopeIdentifier: string): MappingRow {
	return writeTransaction(db, () => {
		const mapping = requireMapping(db, sourceId, scopeIdentifier);
		db.prepare('DELETE FROM scope_mappings WHERE source_id = ? AND scope_identifier = ?').run(
			sourceId,
			scopeIdentifier
		);
		refreshUnmapped(db, sourceId);
		return mapping;
	});
}

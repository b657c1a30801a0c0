import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Scope } from '../../lib/contract';
import type { Db } from '../db/database';

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

/** Scope identifiers of a source's items that no mapping covers, with how many items wait. */
export function unmappedIdentifiers(db: Db, sourceId: number) {
	return db
		.prepare(
			`SELECT scope_identifier, COUNT(*) AS item_count FROM items
			WHERE source_id = ? AND unmapped = 1 GROUP BY scope_identifier ORDER BY scope_identifier`
		)
		.all(sourceId) as { scope_identifier: string; item_count: number }[];
}

/** 1 when the item's scope identifier has no mapping in its source. */
const HAS_NO_MAPPING = `NOT EXISTS (SELECT 1 FROM scope_mappings m
	WHERE m.source_id = items.source_id AND m.scope_identifier = items.scope_identifier)`;

/**
 * Recomputes which items of a source wait for a mapping: none with a default scope; else
 * those whose identifier has no mapping. The item triggers keep the counters right.
 */
export function refreshUnmapped(db: Db, sourceId: number): void {
	const source = db.prepare('SELECT default_scope FROM sources WHERE id = ?').get(sourceId) as
		{ default_scope: string | null } | undefined;
	if (!source) return;
	if (source.default_scope) {
		db.prepare('UPDATE items SET unmapped = 0 WHERE source_id = ? AND unmapped = 1').run(sourceId);
	} else {
		db.prepare(
			`UPDATE items SET unmapped = ${HAS_NO_MAPPING} WHERE source_id = ? AND unmapped != ${HAS_NO_MAPPING}`
		).run(sourceId);
	}
}

/** Maps every unmapped identifier that matches exactly one scope name, ignoring case. */
export function autoassign(db: Db, sourceId: number): number {
	return db.transaction(() => {
		const scopes = listScopes(db);
		const insert = db.prepare(
			'INSERT OR IGNORE INTO scope_mappings (source_id, scope_identifier, scope_uuid) VALUES (?, ?, ?)'
		);
		let created = 0;
		for (const { scope_identifier } of unmappedIdentifiers(db, sourceId)) {
			const matches = scopes.filter((s) => s.name.toLowerCase() === scope_identifier.toLowerCase());
			if (matches.length === 1)
				created += insert.run(sourceId, scope_identifier, matches[0]!.uuid).changes;
		}
		if (created) refreshUnmapped(db, sourceId);
		return created;
	})();
}

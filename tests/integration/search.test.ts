import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Item } from '$lib/contract';
import { openDatabase, type Db } from '../../src/agent/db/database';
import { migrations } from '../../src/agent/db/migrations';
import { listItems, searchKey } from '../../src/agent/services/items';
import { tempDir } from './datasets';
import { startAgent } from './harness';

type Agent = Awaited<ReturnType<typeof startAgent>>;

/** Identifiers that stress the substring search: case, accents, quotes, wildcards, spaces. */
const IDENTIFIERS = [
	'Project_A/2024-01/run_1',
	'Project_A/2024-01/run_12',
	'project_b/2024-02/RUN_123',
	'Metingen/Élan/scan 1',
	'Metingen/ÉLAN/scan 2',
	'Messung/Überprüfung',
	'İstanbul/ölçüm',
	'Straße/MASSE',
	'runs/50%_done',
	'runs/a_b',
	'runs/say "hi"',
	'runs/back\\slash',
	'ab',
	'x'
];

const QUERIES = [
	'r',
	'ru',
	'run',
	'RUN_1',
	'run_12',
	'_a/',
	'élan',
	'ÉLAN/S',
	'über',
	'prüf',
	'istanbul',
	'i̇st',
	'ölç',
	'straße',
	'masse',
	'%',
	'50%_',
	'a_b',
	'y "h',
	'"',
	'\\sl',
	'an/sc',
	'ab',
	'nothing here',
	'x'
];

function insertItems(db: Db, sourceId: number, identifiers: string[]): number[] {
	const insert = db.prepare(
		`INSERT INTO items (source_id, data_identifier, search_key, dataset_uuid) VALUES (?, ?, ?, ?)`
	);
	return db.transaction(() =>
		identifiers.map((identifier) =>
			Number(insert.run(sourceId, identifier, searchKey(identifier), randomUUID()).lastInsertRowid)
		)
	)();
}

/** What the search promises: the case-folded query is a substring of the case-folded identifier. */
function expected(items: { data_identifier: string }[], query: string): string[] {
	return items
		.filter((item) => searchKey(item.data_identifier).includes(searchKey(query)))
		.map((item) => item.data_identifier)
		.sort();
}

async function createSource(agent: Agent, name = 'fb') {
	const scope = (await agent.client.listScopes())[0]!.uuid;
	return agent.client.createSource({
		name,
		backend_identifier: 'etiket_sync_agent_folderbase',
		config_data: { root_directory: tempDir() },
		default_scope: scope
	});
}

/** Every page of a search, 2 items at a time, following next_cursor. */
async function allPages(agent: Agent, query: Parameters<Agent['client']['searchItems']>[0]) {
	const items: Item[] = [];
	let cursor: string | undefined;
	for (let guard = 0; guard < 100; guard++) {
		const page = await agent.client.searchItems({ ...query, limit: 2, cursor });
		items.push(...page.items);
		if (page.next_cursor === null) return items;
		cursor = page.next_cursor;
	}
	throw new Error('paging did not end');
}

function integrityCheck(db: Db) {
	db.prepare(`INSERT INTO items_search (items_search) VALUES ('integrity-check')`).run();
}

describe('substring search through the trigram index', () => {
	it('finds exactly the items whose case-folded identifier holds the case-folded query', async () => {
		const agent = await startAgent();
		const source = await createSource(agent);
		insertItems(agent.db, source.id, IDENTIFIERS);
		const all = IDENTIFIERS.map((data_identifier) => ({ data_identifier }));
		for (const query of QUERIES) {
			const found = await agent.client.listSourceItems({ id: source.id, query, limit: 500 });
			expect(found.items.map((item) => item.data_identifier).sort(), query).toEqual(
				expected(all, query)
			);
		}
		integrityCheck(agent.db);
	});

	it('pages search results in every order, each match exactly once, across sources', async () => {
		const agent = await startAgent();
		const first = await createSource(agent, 'one');
		const second = await createSource(agent, 'two');
		insertItems(agent.db, first.id, IDENTIFIERS);
		insertItems(agent.db, second.id, IDENTIFIERS.slice(0, 8));
		const everything = (await agent.client.searchItems({ limit: 500 })).items;
		for (const query of ['run', 'élan', 'ru', '/']) {
			for (const order_by of ['id', 'data_identifier', 'last_update', 'priority'] as const) {
				for (const order of ['asc', 'desc'] as const) {
					const label = `${query} ${order_by} ${order}`;
					const paged = await allPages(agent, { query, order_by, order });
					const unpaged = await agent.client.searchItems({ query, order_by, order, limit: 500 });
					expect(
						paged.map((item) => item.id),
						label
					).toEqual(unpaged.items.map((item) => item.id));
					expect(paged.map((item) => item.data_identifier).sort(), label).toEqual(
						expected(everything, query)
					);
				}
			}
			const one = await allPages(agent, { query, source_id: second.id });
			expect(one.every((item) => item.source_id === second.id)).toBe(true);
			expect(one.map((item) => item.data_identifier).sort()).toEqual(
				expected(
					everything.filter((item) => item.source_id === second.id),
					query
				)
			);
		}
	});

	it('keeps the index right when items are renamed or deleted, one by one or with their source', async () => {
		const agent = await startAgent();
		const first = await createSource(agent, 'one');
		const second = await createSource(agent, 'two');
		const [renamed, deleted] = insertItems(agent.db, first.id, [
			'old/name_one',
			'old/name_two',
			'old/name_three'
		]);
		insertItems(agent.db, second.id, ['old/name_four']);
		const found = async (query: string) =>
			(await agent.client.searchItems({ query })).items.map((item) => item.data_identifier).sort();

		agent.db
			.prepare('UPDATE items SET data_identifier = ?, search_key = ? WHERE id = ?')
			.run('New/Renamed', searchKey('New/Renamed'), renamed);
		agent.db.prepare('DELETE FROM items WHERE id = ?').run(deleted);
		expect(await found('name_')).toEqual(['old/name_four', 'old/name_three']);
		expect(await found('renamed')).toEqual(['New/Renamed']);

		await agent.client.deleteSource({ id: second.id });
		expect(await found('name_')).toEqual(['old/name_three']);
		integrityCheck(agent.db);
	});

	it('indexes the items a database held before the index existed', () => {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qh-migrate-')), 'db.sqlite');
		onTestFinished(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
		// The schema as it was before the search index: the first two migrations.
		const before = new Database(file);
		for (const migration of migrations.slice(0, 2)) before.exec(migration);
		before.pragma('user_version = 2');
		before
			.prepare(
				`INSERT INTO sources (name, backend_identifier, config_data, created_at) VALUES ('s', 'b', '{}', '')`
			)
			.run();
		insertItems(before, 1, IDENTIFIERS);
		before.close();

		const db = openDatabase(file);
		onTestFinished(() => {
			db.close();
		});
		const found = listItems(db, 1, { query: 'élan', order_by: 'id', order: 'asc', limit: 50 });
		expect(found.items.map((item) => item.data_identifier)).toEqual([
			'Metingen/Élan/scan 1',
			'Metingen/ÉLAN/scan 2'
		]);
		integrityCheck(db);
	});
});

import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Item, SyncRecordEntry } from '$lib/contract';
import type { Db } from '../../src/agent/db/database';
import { md5, tempDir, writeDataset } from './datasets';
import { rejection, startAgent } from './harness';
import { searchKey } from '../../src/agent/services/items';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 15_000, interval: 100 };
const MINUTE = 60_000;

type Agent = Awaited<ReturnType<typeof startAgent>>;

/** A folder-base source on a fresh (or the given) folder, with the first scope as default. */
async function createSource(agent: Agent, name = 'fb', root = tempDir()) {
	const scope = (await agent.client.listScopes())[0]!.uuid;
	const source = await agent.client.createSource({
		name,
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: root },
		default_scope: scope
	});
	return { source, root };
}

interface ItemSeed {
	data_identifier: string;
	priority?: number;
	synchronized?: boolean;
	attempts?: number;
	error?: string | null;
	next_attempt_at?: string | null;
	last_update?: string | null;
}

/** Inserts items straight into the database (the counters follow through the triggers). */
function insertItems(db: Db, sourceId: number, seeds: ItemSeed[]): number[] {
	const insert = db.prepare(
		`INSERT INTO items (source_id, data_identifier, search_key, dataset_uuid, scope_identifier, priority,
			synchronized, attempts, error, next_attempt_at, last_update)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	);
	return db.transaction(() =>
		seeds.map((seed) =>
			Number(
				insert.run(
					sourceId,
					seed.data_identifier,
					searchKey(seed.data_identifier),
					randomUUID(),
					seed.data_identifier.split('/')[0]!,
					seed.priority ?? 0,
					seed.synchronized ? 1 : 0,
					seed.attempts ?? 0,
					seed.error ?? null,
					seed.next_attempt_at ?? null,
					seed.last_update === undefined ? new Date().toISOString() : seed.last_update
				).lastInsertRowid
			)
		)
	)();
}

type OrderBy = 'id' | 'data_identifier' | 'last_update' | 'priority';
type Order = 'asc' | 'desc';

/** The order the contract promises: by the key (NULL lowest), then by id, both one direction. */
function sorted(items: Item[], orderBy: OrderBy, order: Order): Item[] {
	const keyOf = (item: Item): string | number =>
		orderBy === 'last_update' ? (item.last_update ?? '') : item[orderBy];
	const sign = order === 'asc' ? 1 : -1;
	return [...items].sort((a, b) => {
		const ka = keyOf(a);
		const kb = keyOf(b);
		const byKey = ka < kb ? -1 : ka > kb ? 1 : 0;
		return sign * (byKey || a.id - b.id);
	});
}

/** Every page of a source's items, following next_cursor until it is null. */
async function allPages(
	agent: Agent,
	query: Parameters<Agent['client']['listSourceItems']>[0]
): Promise<{ pages: Item[][]; items: Item[] }> {
	const pages: Item[][] = [];
	let cursor: string | undefined;
	for (let guard = 0; guard < 100; guard++) {
		const page = await agent.client.listSourceItems({ ...query, cursor });
		pages.push(page.items);
		if (page.next_cursor === null) return { pages, items: pages.flat() };
		cursor = page.next_cursor;
	}
	throw new Error('paging did not end');
}

/** 120 items with many ties in priority and last_update, some last_update NULL. */
function manyItems(): ItemSeed[] {
	const base = Date.parse('2024-03-01T12:00:00.000Z');
	return Array.from({ length: 120 }, (_, i) => ({
		// Identifiers in an order unrelated to insertion order.
		data_identifier: `scope${i % 3}/ds-${String((i * 37) % 120).padStart(3, '0')}`,
		priority: (i * 7) % 5,
		synchronized: i % 4 === 0,
		last_update: i % 6 === 0 ? null : new Date(base + ((i * 11) % 13) * 1000).toISOString()
	}));
}

describe('listing a source’s items', () => {
	it('filters by is_synchronized and by a case-insensitive substring of the identifier', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, [
			{ data_identifier: 'Alpha/one', synchronized: true },
			{ data_identifier: 'alpha/TWO' },
			{ data_identifier: 'beta/alphabet', synchronized: true },
			{ data_identifier: 'beta/other' }
		]);
		const ids = async (query: Omit<Parameters<Agent['client']['listSourceItems']>[0], 'id'>) =>
			(await agent.client.listSourceItems({ id: source.id, order: 'asc', ...query })).items
				.map((item) => item.data_identifier)
				.sort();

		expect(await ids({})).toEqual(['Alpha/one', 'alpha/TWO', 'beta/alphabet', 'beta/other']);
		expect(await ids({ is_synchronized: true })).toEqual(['Alpha/one', 'beta/alphabet']);
		expect(await ids({ is_synchronized: false })).toEqual(['alpha/TWO', 'beta/other']);
		expect(await ids({ query: 'ALPHA' })).toEqual(['Alpha/one', 'alpha/TWO', 'beta/alphabet']);
		expect(await ids({ query: 'two' })).toEqual(['alpha/TWO']);
		expect(await ids({ query: 'alpha', is_synchronized: false })).toEqual(['alpha/TWO']);
		expect(await ids({ query: 'nothing like it' })).toEqual([]);
	});

	it('takes % and _ in the query literally, not as wildcards', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, [
			{ data_identifier: 'runs/50%_done' },
			{ data_identifier: 'runs/50x-done' },
			{ data_identifier: 'runs/a_b' },
			{ data_identifier: 'runs/axb' },
			{ data_identifier: 'runs/back\\slash' }
		]);
		const ids = async (query: string) =>
			(await agent.client.listSourceItems({ id: source.id, query })).items
				.map((item) => item.data_identifier)
				.sort();

		expect(await ids('%')).toEqual(['runs/50%_done']);
		expect(await ids('50%')).toEqual(['runs/50%_done']);
		expect(await ids('_')).toEqual(['runs/50%_done', 'runs/a_b']);
		expect(await ids('a_b')).toEqual(['runs/a_b']);
		expect(await ids('%_d')).toEqual(['runs/50%_done']);
		expect(await ids('\\')).toEqual(['runs/back\\slash']);
	});

	it('matches case-insensitively beyond ASCII too (É matches é)', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, [
			{ data_identifier: 'Metingen/Élan' },
			{ data_identifier: 'Metingen/Überprüfung' }
		]);
		const ids = async (query: string) =>
			(await agent.client.listSourceItems({ id: source.id, query })).items.map(
				(item) => item.data_identifier
			);
		expect(await ids('élan')).toEqual(['Metingen/Élan']);
		expect(await ids('ÜBERPRÜFUNG')).toEqual(['Metingen/Überprüfung']);
	});

	it('sorts by each order_by in each order, ties broken by id', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, manyItems().slice(0, 40));
		const everything = (await agent.client.listSourceItems({ id: source.id, limit: 500 })).items;
		expect(everything).toHaveLength(40);
		// Default: newest id first.
		expect(everything.map((item) => item.id)).toEqual(
			sorted(everything, 'id', 'desc').map((item) => item.id)
		);
		for (const orderBy of ['id', 'data_identifier', 'last_update', 'priority'] as const) {
			for (const order of ['asc', 'desc'] as const) {
				const page = await agent.client.listSourceItems({
					id: source.id,
					order_by: orderBy,
					order,
					limit: 500
				});
				expect(
					page.items.map((item) => item.id),
					`${orderBy} ${order}`
				).toEqual(sorted(everything, orderBy, order).map((item) => item.id));
				expect(page.next_cursor).toBeNull();
			}
		}
	});

	it('pages 120 items 25 at a time, every item exactly once in order, for every sort', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, manyItems());
		const everything = (await agent.client.listSourceItems({ id: source.id, limit: 500 })).items;
		expect(everything).toHaveLength(120);
		expect(everything.filter((item) => item.last_update === null)).toHaveLength(20);

		for (const orderBy of ['id', 'data_identifier', 'last_update', 'priority'] as const) {
			for (const order of ['asc', 'desc'] as const) {
				const label = `${orderBy} ${order}`;
				const { pages, items } = await allPages(agent, {
					id: source.id,
					order_by: orderBy,
					order,
					limit: 25
				});
				expect(
					pages.map((page) => page.length),
					label
				).toEqual([25, 25, 25, 25, 20]);
				const ids = items.map((item) => item.id);
				expect(new Set(ids).size, label).toBe(120);
				expect(ids, label).toEqual(sorted(everything, orderBy, order).map((item) => item.id));
			}
		}
	});

	it('keeps the filters while paging', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, manyItems());
		const expected = (
			await agent.client.listSourceItems({
				id: source.id,
				is_synchronized: false,
				query: 'SCOPE1/',
				order_by: 'last_update',
				order: 'asc',
				limit: 500
			})
		).items;
		expect(expected.length).toBeGreaterThan(7);
		expect(
			expected.every((item) => !item.synchronized && item.data_identifier.startsWith('scope1/'))
		).toBe(true);
		const { pages, items } = await allPages(agent, {
			id: source.id,
			is_synchronized: false,
			query: 'SCOPE1/',
			order_by: 'last_update',
			order: 'asc',
			limit: 7
		});
		expect(pages.length).toBe(Math.ceil(expected.length / 7));
		expect(items.map((item) => item.id)).toEqual(expected.map((item) => item.id));
	});

	it('answers an invalid cursor with 422 ValidationError on the cursor field', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, manyItems().slice(0, 5));
		// Not base64 JSON at all; valid JSON of the wrong shape; a cursor of an error list.
		for (const cursor of [
			'not-a-cursor',
			Buffer.from('{"a":1}').toString('base64url'),
			Buffer.from('[7]').toString('base64url')
		]) {
			const failure = await rejection(agent.client.listSourceItems({ id: source.id, cursor }));
			expect(failure, cursor).toMatchObject({ status: 422, code: 'ValidationError' });
			expect(failure.details.map((detail) => detail.path)).toEqual(['cursor']);
		}
		const response = await agent.request(`/api/v1/sources/${source.id}/items?cursor=%25%25%25`);
		expect(response.status).toBe(422);
		expect((await response.json()).error.details[0].path).toBe('cursor');
	});

	it('refuses a cursor made for another sort with 422, instead of answering a wrong page', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		insertItems(agent.db, source.id, manyItems().slice(0, 10));
		// A dashboard that keeps ?cursor= in its URL while the person switches the sort.
		const first = await agent.client.listSourceItems({
			id: source.id,
			order_by: 'priority',
			limit: 3
		});
		expect(first.next_cursor).not.toBeNull();
		const failure = await rejection(
			agent.client.listSourceItems({
				id: source.id,
				order_by: 'data_identifier',
				limit: 3,
				cursor: first.next_cursor!
			})
		);
		expect(failure).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(failure.details.map((detail) => detail.path)).toEqual(['cursor']);
	});

	it('answers 404 NotFound for an unknown source', async () => {
		const agent = await startAgent();
		expect(await rejection(agent.client.listSourceItems({ id: 999 }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
	});
});

describe('searching items across sources', () => {
	it('finds items of every source, or of one with source_id', async () => {
		const agent = await startAgent();
		const { source: first } = await createSource(agent, 'first');
		const { source: second } = await createSource(agent, 'second');
		insertItems(agent.db, first.id, [
			{ data_identifier: 'a/shared-1', synchronized: true },
			{ data_identifier: 'a/only-first' }
		]);
		insertItems(agent.db, second.id, [
			{ data_identifier: 'b/Shared-2' },
			{ data_identifier: 'b/only-second', synchronized: true }
		]);
		const found = async (query: Parameters<Agent['client']['searchItems']>[0]) =>
			(await agent.client.searchItems(query)).items
				.map((item) => `${item.source_id}:${item.data_identifier}`)
				.sort();

		expect(await found({})).toEqual([
			`${first.id}:a/only-first`,
			`${first.id}:a/shared-1`,
			`${second.id}:b/Shared-2`,
			`${second.id}:b/only-second`
		]);
		expect(await found({ query: 'shared' })).toEqual([
			`${first.id}:a/shared-1`,
			`${second.id}:b/Shared-2`
		]);
		expect(await found({ query: 'shared', source_id: second.id })).toEqual([
			`${second.id}:b/Shared-2`
		]);
		expect(await found({ source_id: first.id, is_synchronized: true })).toEqual([
			`${first.id}:a/shared-1`
		]);
		expect(await found({ is_synchronized: true })).toEqual([
			`${first.id}:a/shared-1`,
			`${second.id}:b/only-second`
		]);
	});

	it('pages across sources without losing or repeating an item', async () => {
		const agent = await startAgent();
		const { source: first } = await createSource(agent, 'first');
		const { source: second } = await createSource(agent, 'second');
		const seeds = manyItems().slice(0, 30);
		insertItems(agent.db, first.id, seeds);
		insertItems(agent.db, second.id, seeds);
		const seen: number[] = [];
		let cursor: string | undefined;
		do {
			const page = await agent.client.searchItems({
				order_by: 'data_identifier',
				limit: 8,
				cursor
			});
			seen.push(...page.items.map((item) => item.id));
			cursor = page.next_cursor ?? undefined;
		} while (cursor);
		expect(seen).toHaveLength(60);
		expect(new Set(seen).size).toBe(60);
	});
});

describe('one item', () => {
	it(
		'details a failed and a synced item with their sync records',
		{ timeout: 30_000 },
		async () => {
			const agent = await startAgent();
			const root = tempDir();
			const good = writeDataset(
				root,
				'scopeA/good',
				{ 'data.txt': 'hello world\n', 'sub/more.txt': 'x'.repeat(5000) },
				'dataset_name: Good one\n'
			);
			writeDataset(root, 'scopeA/bad', { 'data.txt': 'never uploaded' }, 'bad: [unclosed\n');
			const { source } = await createSource(agent, 'fb', root);
			await agent.client.startAgent();
			await vi.waitFor(async () => {
				const current = await agent.client.getSource({ id: source.id });
				expect(current).toMatchObject({ items_total: 2, items_synced: 1, items_failed: 1 });
			}, SLOW);
			const failedAt = Date.now();
			const items = (await agent.client.listSourceItems({ id: source.id })).items;
			const bad = items.find((item) => item.data_identifier === 'scopeA/bad')!;
			const ok = items.find((item) => item.data_identifier === 'scopeA/good')!;

			// The failed item: its error, one attempt, a retry in 20 minutes.
			const failed = await agent.client.getItem({ id: source.id, item_id: bad.id });
			expect(failed).toMatchObject({
				id: bad.id,
				source_id: source.id,
				data_identifier: 'scopeA/bad',
				scope_identifier: 'scopeA',
				synchronized: false,
				attempts: 1
			});
			expect(failed.error).toMatch(/_QH_dataset_info\.yaml is not valid YAML/);
			const retryIn = Date.parse(failed.next_attempt_at!) - failedAt;
			expect(retryIn).toBeGreaterThan(19 * MINUTE);
			expect(retryIn).toBeLessThanOrEqual(20 * MINUTE + 1000);

			const logs = failed.sync_record.logs;
			expectTree(logs);
			const errors = logs.filter((entry) => entry.kind === 'error');
			expect(errors.length).toBeGreaterThanOrEqual(1);
			for (const error of errors) {
				expect(error.exception).toBeTruthy();
				expect(error.stack_trace).toContain(error.message);
				expect(error.stack_trace).toMatch(/\n\s+at /);
				for (const task of chainOf(logs, error)) expect(task.has_errors).toBe(true);
			}
			expect(errors.some((error) => /not valid YAML/.test(error.message))).toBe(true);
			expect(failed.sync_record.file_summary).toEqual({
				counts: { OK: 0, ERROR: 0, SKIPPED: 0 },
				size: 0
			});
			expect(await agent.client.listItemFiles({ id: source.id, item_id: bad.id })).toEqual({
				items: [],
				next_cursor: null,
				previous_cursor: null
			});

			// The synced item: every file with status OK, its md5 and size.
			const synced = await agent.client.getItem({ id: source.id, item_id: ok.id });
			expect(synced).toMatchObject({
				synchronized: true,
				error: null,
				next_attempt_at: null
			});
			expectTree(synced.sync_record.logs);
			expect(synced.sync_record.logs.some((entry) => entry.kind === 'error')).toBe(false);
			expect(synced.sync_record.logs.every((entry) => !entry.has_errors)).toBe(true);
			const files = (await agent.client.listItemFiles({ id: source.id, item_id: ok.id })).items;
			expect(files.map((file) => file.name)).toEqual(['data.txt', 'sub/more.txt']);
			expect(synced.sync_record.file_summary).toEqual({
				counts: { OK: 2, ERROR: 0, SKIPPED: 0 },
				size: 12 + 5000
			});
			for (const file of files) {
				const original = path.join(good, file.name);
				expect(file).toMatchObject({
					status: 'OK',
					md5: md5(original),
					size: fs.statSync(original).size,
					converter: null,
					error: null
				});
				expect(file.m_time).not.toBeNull();
			}
		}
	);

	it('prioritizes an item above every other item of its source', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent, 'first');
		const { source: other } = await createSource(agent, 'second');
		const [low, , high] = insertItems(agent.db, source.id, [
			{ data_identifier: 'a/low', priority: -2, next_attempt_at: '2999-01-01T00:00:00.000Z' },
			{ data_identifier: 'a/mid', priority: 3 },
			{ data_identifier: 'a/high', priority: 7 }
		]);
		insertItems(agent.db, other.id, [{ data_identifier: 'b/elsewhere', priority: 100 }]);

		const raised = await agent.client.prioritizeItem({ id: source.id, item_id: low! });
		expect(raised.id).toBe(low);
		expect(raised.priority).toBeGreaterThan(7);
		expect(raised.next_attempt_at).toBeNull();
		const byPriority = await agent.client.listSourceItems({
			id: source.id,
			order_by: 'priority',
			order: 'desc'
		});
		expect(byPriority.items[0]!.id).toBe(low);
		const others = byPriority.items.filter((item) => item.id !== low);
		expect(others.every((item) => item.priority < raised.priority)).toBe(true);

		// The top item prioritized again stays on top.
		const again = await agent.client.prioritizeItem({ id: source.id, item_id: high! });
		expect(again.priority).toBeGreaterThan(raised.priority);
	});

	it('resets an item: attempts, error and next_attempt_at cleared, counters follow', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		const [failed] = insertItems(agent.db, source.id, [
			{
				data_identifier: 'a/failed',
				attempts: 3,
				error: 'boom',
				next_attempt_at: new Date(Date.now() + 60 * MINUTE).toISOString()
			},
			{ data_identifier: 'a/fine', synchronized: true, attempts: 1 }
		]);
		expect(await agent.client.getSource({ id: source.id })).toMatchObject({
			items_total: 2,
			items_failed: 1,
			items_synced: 1
		});
		const reset = await agent.client.resetItem({ id: source.id, item_id: failed! });
		expect(reset).toMatchObject({
			id: failed,
			attempts: 0,
			error: null,
			next_attempt_at: null,
			synchronized: false
		});
		expect(await agent.client.getItem({ id: source.id, item_id: failed! })).toMatchObject({
			attempts: 0,
			error: null,
			next_attempt_at: null
		});
		expect(await agent.client.getSource({ id: source.id })).toMatchObject({
			items_total: 2,
			items_failed: 0,
			items_synced: 1
		});
	});

	it('answers 404 NotFound for unknown items and sources, and for an item of another source', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent, 'first');
		const { source: other } = await createSource(agent, 'second');
		const [mine] = insertItems(agent.db, source.id, [{ data_identifier: 'a/mine' }]);
		const notFound = { status: 404, code: 'NotFound' };
		const calls: [string, () => Promise<unknown>][] = [
			['getItem unknown item', () => agent.client.getItem({ id: source.id, item_id: 999 })],
			['getItem unknown source', () => agent.client.getItem({ id: 999, item_id: mine! })],
			['getItem other source', () => agent.client.getItem({ id: other.id, item_id: mine! })],
			[
				'prioritize other source',
				() => agent.client.prioritizeItem({ id: other.id, item_id: mine! })
			],
			['prioritize unknown', () => agent.client.prioritizeItem({ id: source.id, item_id: 999 })],
			['reset other source', () => agent.client.resetItem({ id: other.id, item_id: mine! })],
			['reset unknown', () => agent.client.resetItem({ id: source.id, item_id: 999 })],
			[
				'report other source',
				() => agent.client.reportItemError({ id: other.id, item_id: mine!, message: 'x' })
			],
			[
				'report unknown',
				() => agent.client.reportItemError({ id: source.id, item_id: 999, message: 'x' })
			],
			['resetSourceItems unknown', () => agent.client.resetSourceItems({ id: 999 })]
		];
		for (const [label, call] of calls) {
			expect(await rejection(call()), label).toMatchObject(notFound);
		}
		// Nothing was changed or reported on the way.
		expect(agent.db.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 0 });
		expect((await agent.client.getItem({ id: source.id, item_id: mine! })).priority).toBe(0);
	});

	it('files an item report: a report id, and a row in the reports table', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent);
		const [item] = insertItems(agent.db, source.id, [{ data_identifier: 'a/broken' }]);
		const receipt = await agent.client.reportItemError({
			id: source.id,
			item_id: item!,
			message: '  This dataset never syncs  '
		});
		expect(receipt.report_id).toBeGreaterThan(0);
		const row = agent.db.prepare('SELECT * FROM reports WHERE id = ?').get(receipt.report_id) as {
			source_id: number;
			item_id: number;
			message: string;
			payload: string;
			created_at: string;
		};
		expect(row).toMatchObject({
			source_id: source.id,
			item_id: item,
			message: 'This dataset never syncs'
		});
		expect(Date.parse(row.created_at)).toBeGreaterThan(Date.now() - MINUTE);
		expect(JSON.parse(row.payload)).toMatchObject({
			status: { api_service: 'running' },
			errors: expect.any(Array),
			logs: expect.any(Array)
		});
		const empty = await rejection(
			agent.client.reportItemError({ id: source.id, item_id: item!, message: ' ' })
		);
		expect(empty).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(empty.details.map((detail) => detail.path)).toEqual(['message']);
	});
});

describe('resetting a source’s items', () => {
	it('resets the failed items, or all with include_successful, and the counters follow', async () => {
		const agent = await startAgent();
		const { source } = await createSource(agent, 'first');
		const { source: other } = await createSource(agent, 'second');
		const failed = (n: number) => ({
			data_identifier: `a/failed-${n}`,
			attempts: 2,
			error: 'kaput',
			next_attempt_at: new Date(Date.now() + 60 * MINUTE).toISOString()
		});
		insertItems(agent.db, source.id, [
			failed(1),
			failed(2),
			failed(3),
			{ data_identifier: 'a/synced-1', synchronized: true, attempts: 1 },
			{ data_identifier: 'a/synced-2', synchronized: true, attempts: 1 },
			{ data_identifier: 'a/pending' }
		]);
		insertItems(agent.db, other.id, [failed(9)]);
		expect(await agent.client.getSource({ id: source.id })).toMatchObject({
			items_total: 6,
			items_failed: 3,
			items_synced: 2
		});

		expect(await agent.client.resetSourceItems({ id: source.id })).toEqual({ count: 3 });
		expect(await agent.client.getSource({ id: source.id })).toMatchObject({
			items_total: 6,
			items_failed: 0,
			items_synced: 2
		});
		const pending = await agent.client.listSourceItems({ id: source.id, is_synchronized: false });
		expect(pending.items).toHaveLength(4);
		for (const item of pending.items) {
			expect(item).toMatchObject({ attempts: 0, error: null, next_attempt_at: null });
		}
		// Nothing failed any more: nothing to reset.
		expect(await agent.client.resetSourceItems({ id: source.id })).toEqual({ count: 0 });

		expect(
			await agent.client.resetSourceItems({ id: source.id, include_successful: true })
		).toEqual({ count: 6 });
		expect(await agent.client.getSource({ id: source.id })).toMatchObject({
			items_total: 6,
			items_failed: 0,
			items_synced: 0
		});
		// The other source is untouched.
		expect(await agent.client.getSource({ id: other.id })).toMatchObject({
			items_total: 1,
			items_failed: 1
		});
	});
});

/** The tasks from an entry's parent up to the root. */
function chainOf(logs: SyncRecordEntry[], entry: SyncRecordEntry): SyncRecordEntry[] {
	const chain: SyncRecordEntry[] = [];
	for (let id = entry.parent_id; id !== null;) {
		const task = logs.find((candidate) => candidate.id === id)!;
		chain.push(task);
		id = task.parent_id;
	}
	return chain;
}

/**
 * A sync record is a tree: unique ids, one root task, every parent a task listed before its
 * child, and a task's has_errors true exactly when an error entry is in its subtree.
 */
function expectTree(logs: SyncRecordEntry[]) {
	expect(logs.length).toBeGreaterThan(0);
	const byId = new Map(logs.map((entry) => [entry.id, entry]));
	expect(byId.size).toBe(logs.length);
	const roots = logs.filter((entry) => entry.parent_id === null);
	expect(roots).toHaveLength(1);
	expect(roots[0]!.kind).toBe('task');
	for (const entry of logs) {
		if (entry.parent_id === null) continue;
		const parent = byId.get(entry.parent_id);
		expect(parent, `parent of entry ${entry.id}`).toBeDefined();
		expect(parent!.kind).toBe('task');
		expect(Date.parse(entry.time)).toBeGreaterThanOrEqual(Date.parse(parent!.time));
	}
	const errors = logs.filter((entry) => entry.kind === 'error');
	for (const task of logs.filter((entry) => entry.kind === 'task')) {
		const holdsError = errors.some((error) => chainOf(logs, error).includes(task));
		expect(task.has_errors, `has_errors of task "${task.message}"`).toBe(holdsError);
	}
}

/**
 * Lists that grow with the data come a page at a time, both ways: an item's files (a dataset
 * may hold 150,000) and a source's scope identifiers waiting for a mapping.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { SyncFile, SyncRecordEntry } from '$lib/contract';
import { openDatabase } from '../../src/agent/db/database';
import { migrations } from '../../src/agent/db/migrations';
import { listSyncFiles, syncRecordJson } from '../../src/agent/services/sync-records';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { tempDir, writeDataset } from './datasets';
import { rejection, startAgent } from './harness';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 60_000, interval: 200 };

interface Page<T> {
	items: T[];
	next_cursor: string | null;
	previous_cursor: string | null;
}

/**
 * The whole list read page by page through `next_cursor`, and read again from its last page
 * back to the first through `previous_cursor`; both must give the same rows.
 */
async function readBothWays<T>(
	limit: number,
	read: (cursor: string | undefined) => Promise<Page<T>>
): Promise<T[]> {
	let page = await read(undefined);
	expect(page.previous_cursor).toBeNull();
	const forward = [...page.items];
	while (page.next_cursor) {
		page = await read(page.next_cursor);
		expect(page.items.length).toBeLessThanOrEqual(limit);
		expect(page.previous_cursor).not.toBeNull();
		forward.push(...page.items);
	}
	const backward = [page.items];
	while (page.previous_cursor) {
		page = await read(page.previous_cursor);
		expect(page.items).toHaveLength(limit);
		expect(page.next_cursor).not.toBeNull();
		backward.unshift(page.items);
	}
	expect(backward.flat()).toEqual(forward);
	return forward;
}

const pad = (n: number) => String(n).padStart(4, '0');

async function expectBadCursor(call: Promise<unknown>, cursor: string) {
	const failure = await rejection(call);
	expect(failure, cursor).toMatchObject({ status: 422, code: 'ValidationError' });
	expect(failure.details.map((detail) => detail.path)).toEqual(['cursor']);
}

const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe("an item's files", () => {
	it(
		'pages 2,500 files both ways, each once and in order, filtered by status',
		{ timeout: 120_000 },
		async () => {
			const agent = await startAgent();
			const root = tempDir();
			const files: Record<string, string> = {};
			for (let i = 0; i < 2000; i++) files[`raw/${pad(i)}.raw`] = '';
			for (let i = 0; i < 450; i++) files[`txt/${pad(i)}.txt`] = `file ${i}\n`;
			// Raw files ask for a converter this agent does not have: each is uploaded as it is,
			// and its conversion fails.
			const dir = writeDataset(root, 'P/many', files, UNCONVERTIBLE_INFO);
			const links = Array.from({ length: 50 }, (_, i) => `link_${pad(i)}`);
			for (const link of links)
				fs.symlinkSync(path.join(dir, 'txt/0000.txt'), path.join(dir, link));
			const scope = (await agent.client.listScopes())[0]!.uuid;
			const source = await agent.client.createSource({
				name: 'many files',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root },
				default_scope: scope
			});
			await agent.client.startAgent();
			await vi.waitFor(
				async () =>
					expect(await agent.client.getSource({ id: source.id })).toMatchObject({
						items_failed: 1
					}),
				SLOW
			);
			const [item] = (await agent.client.listSourceItems({ id: source.id })).items;
			const target = { id: source.id, item_id: item!.id };

			const detail = await agent.client.getItem(target);
			const txtBytes = Object.entries(files)
				.filter(([name]) => name.endsWith('.txt'))
				.reduce((sum, [, content]) => sum + Buffer.byteLength(content), 0);
			expect(detail.sync_record.file_summary).toEqual({
				counts: { OK: 2450, ERROR: 2000, SKIPPED: 50 },
				size: txtBytes
			});

			// The skipped links first (as the sync met them), then the files by name, then the
			// conversions.
			const all = await readBothWays(100, (cursor) =>
				agent.client.listItemFiles({ ...target, cursor, limit: 100 })
			);
			const names = all.map((file) => file.name);
			expect(new Set(names.slice(0, 50))).toEqual(new Set(links));
			const outputs = Object.keys(files)
				.filter((name) => name.endsWith('.raw'))
				.map((name) => name.replace(/\.raw$/, '.hdf5'));
			expect(names.slice(50)).toEqual([...Object.keys(files).sort(), ...outputs]);
			expect(all.find((file) => file.name === 'txt/0007.txt')).toMatchObject({
				status: 'OK',
				size: Buffer.byteLength('file 7\n'),
				md5: expect.stringMatching(/^[0-9a-f]{32}$/),
				error: null
			});
			expect(all.find((file) => file.name === 'raw/0007.raw')).toMatchObject({
				status: 'OK',
				converter: null
			});
			expect(all.find((file) => file.name === 'raw/0007.hdf5')).toMatchObject({
				status: 'ERROR',
				converter: 'raw_to_hdf5',
				error:
					'Converter raw_to_hdf5 is not installed in this sync agent: raw/0007.raw was uploaded unconverted'
			});
			const other = await readBothWays(333, (cursor) =>
				agent.client.listItemFiles({ ...target, cursor, limit: 333 })
			);
			expect(other).toEqual(all);

			for (const status of ['ERROR', 'SKIPPED', 'OK'] as const) {
				const only = await readBothWays(250, (cursor) =>
					agent.client.listItemFiles({ ...target, status, cursor, limit: 250 })
				);
				expect(only, status).toEqual(all.filter((file) => file.status === status));
			}

			// The record keeps 50 entries under a task and counts the rest in one.
			const logs = detail.sync_record.logs;
			const upload = logs.find((entry) => entry.message.startsWith('Upload to scope'))!;
			const convert = logs.find((entry) => entry.message === 'Convert 2000 files')!;
			expect(convert.parent_id).toBe(upload.id);
			const underConvert = logs.filter((entry) => entry.parent_id === convert.id);
			expect(underConvert).toHaveLength(51);
			expect(underConvert.filter((entry) => entry.kind === 'error')).toHaveLength(50);
			expect(underConvert.at(-1)!.message).toBe(
				'1950 more entries of this task left out: the files show what became of each'
			);
			expect(upload.has_errors).toBe(true);
			expect(logs.length).toBeLessThan(110);
		}
	);

	it('answers a cursor it did not make with 422, and an unknown item with 404', async () => {
		const agent = await startAgent();
		const scope = (await agent.client.listScopes())[0]!.uuid;
		const source = await agent.client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: tempDir() },
			default_scope: scope
		});
		// An item never synced: it has no files yet.
		const item = agent.db
			.prepare(
				`INSERT INTO items (source_id, data_identifier, dataset_uuid) VALUES (?, 'P/x', ?) RETURNING id`
			)
			.get(source.id, randomUUID()) as { id: number };
		const target = { id: source.id, item_id: item.id };
		expect(await agent.client.listItemFiles(target)).toEqual({
			items: [],
			next_cursor: null,
			previous_cursor: null
		});
		for (const cursor of [
			'not-a-cursor',
			cursorOf(['position', 'sideways', 3]),
			cursorOf(['position', 'after', '3']),
			cursorOf(['scope_identifier', 'after', 'A'])
		]) {
			await expectBadCursor(agent.client.listItemFiles({ ...target, cursor }), cursor);
		}
		const response = await agent.request(
			`/api/v1/sources/${source.id}/items/${item.id}/files?status=BROKEN&limit=501`
		);
		expect(response.status).toBe(422);
		expect(
			(await response.json()).error.details.map((d: { path: string }) => d.path).sort()
		).toEqual(['limit', 'status']);
		expect(await rejection(agent.client.listItemFiles({ ...target, item_id: 999 }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
	});

	it('moves the files of records written before they had a table of their own', () => {
		const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qh-migrate-')), 'db.sqlite');
		onTestFinished(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));
		// The schema as it was before: every migration but the one that moved them.
		const before = new Database(file);
		const moved = migrations.findIndex((migration) =>
			migration.includes('CREATE TABLE sync_files')
		);
		for (const migration of migrations.slice(0, moved)) before.exec(migration);
		before.pragma(`user_version = ${moved}`);
		before.exec(`INSERT INTO sources (name, backend_identifier, config_data, created_at)
			VALUES ('s', 'b', '{}', '');
			INSERT INTO items (source_id, data_identifier, dataset_uuid) VALUES (1, 'P/x', 'u');`);
		const files: SyncFile[] = Array.from({ length: 300 }, (_, i) => ({
			name: `f${pad(i)}`,
			status: i % 3 === 0 ? 'ERROR' : i % 3 === 1 ? 'OK' : 'SKIPPED',
			size: i % 3 === 1 ? i : null,
			md5: i % 3 === 1 ? 'd41d8cd98f00b204e9800998ecf8427e' : null,
			m_time: i % 3 === 1 ? '2026-01-01T00:00:00.000Z' : null,
			converter: null,
			error: i % 3 === 1 ? null : 'why'
		}));
		// An old record: an error entry per failed file, under one task.
		const entry = (id: number, parent: number | null, kind: SyncRecordEntry['kind']) => ({
			id,
			parent_id: parent,
			kind,
			time: '2026-01-01T00:00:00.000Z',
			message: `entry ${id}`,
			exception: kind === 'error' ? 'Error' : null,
			stack_trace: null,
			has_errors: kind !== 'log'
		});
		const logs = [
			entry(0, null, 'task'),
			entry(1, 0, 'task'),
			...Array.from({ length: 100 }, (_, i) => entry(2 + i, 1, 'error')),
			entry(102, 0, 'log')
		];
		before
			.prepare('INSERT INTO sync_records (item_id, logs, files) VALUES (1, ?, ?)')
			.run(JSON.stringify(logs), JSON.stringify(files));
		before.close();

		const db = openDatabase(file);
		onTestFinished(() => {
			db.close();
		});
		const record = JSON.parse(syncRecordJson(db, 1));
		expect(record.file_summary).toEqual({
			counts: { OK: 100, ERROR: 100, SKIPPED: 100 },
			size: files.reduce((sum, f) => sum + (f.status === 'OK' ? f.size! : 0), 0)
		});
		expect(record.logs).toEqual([
			...logs.slice(0, 52),
			logs[102],
			{
				...entry(103, 1, 'log'),
				message: '50 more entries of this task left out: the files show what became of each',
				has_errors: false
			}
		]);
		const read: SyncFile[] = [];
		let cursor: string | undefined;
		do {
			const page = listSyncFiles(db, 1, { cursor, limit: 64 });
			read.push(...page.items);
			cursor = page.next_cursor ?? undefined;
		} while (cursor);
		expect(read).toEqual(files);
	});
});

describe('unmapped identifiers', () => {
	it(
		'pages 1,000 identifiers both ways in code point order, with their total',
		{ timeout: 120_000 },
		async () => {
			const agent = await startAgent();
			const root = tempDir();
			const identifiers = Array.from({ length: 997 }, (_, i) => `Setup_${pad(i)}`);
			identifiers.push('zeta', 'Zeta', 'Åland');
			for (const [i, identifier] of identifiers.entries()) {
				writeDataset(root, `${identifier}/run`, { 'x.txt': 'x' });
				if (i % 10 === 0) writeDataset(root, `${identifier}/again`, { 'x.txt': 'x' });
			}
			const source = await agent.client.createSource({
				name: 'unmapped',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: root }
			});
			await agent.client.startAgent();
			await vi.waitFor(
				async () =>
					expect(await agent.client.getSource({ id: source.id })).toMatchObject({
						items_total: 1100,
						items_unmapped_scope_count: 1100
					}),
				SLOW
			);

			const expected = [...identifiers].sort().map((identifier) => ({
				scope_identifier: identifier,
				item_count: identifiers.indexOf(identifier) % 10 === 0 ? 2 : 1
			}));
			const totals = new Set<number>();
			const all = await readBothWays(64, async (cursor) => {
				const page = await agent.client.listUnmappedIdentifiers({
					id: source.id,
					cursor,
					limit: 64
				});
				totals.add(page.total);
				return page;
			});
			expect(all).toEqual(expected);
			expect(all.slice(-3).map((entry) => entry.scope_identifier)).toEqual([
				'Zeta',
				'zeta',
				'Åland'
			]);
			expect([...totals]).toEqual([1000]);

			// A mapped identifier leaves the list; a page's cursor still reads on after it.
			const first = await agent.client.listUnmappedIdentifiers({ id: source.id, limit: 10 });
			await agent.client.createScopeMapping({
				id: source.id,
				scope_identifier: 'Setup_0010',
				scope_uuid: (await agent.client.listScopes())[0]!.uuid
			});
			const next = await agent.client.listUnmappedIdentifiers({
				id: source.id,
				cursor: first.next_cursor!,
				limit: 10
			});
			expect(next.total).toBe(999);
			expect(next.items.map((entry) => entry.scope_identifier)).toEqual(
				expected.slice(11, 21).map((entry) => entry.scope_identifier)
			);
		}
	);

	it('answers a cursor it did not make with 422', async () => {
		const agent = await startAgent();
		const source = await agent.client.createSource({
			name: 'fb',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: tempDir() }
		});
		expect(await agent.client.listUnmappedIdentifiers({ id: source.id })).toEqual({
			items: [],
			next_cursor: null,
			previous_cursor: null,
			total: 0
		});
		for (const cursor of [
			'not-a-cursor',
			cursorOf(['scope_identifier', 'after', 7]),
			cursorOf(['scope_identifier', 'onwards', 'A']),
			cursorOf(['position', 'after', 3])
		]) {
			await expectBadCursor(
				agent.client.listUnmappedIdentifiers({ id: source.id, cursor }),
				cursor
			);
		}
	});
});

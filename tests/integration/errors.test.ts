import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { ErrorRecord } from '$lib/contract';
import type { Db } from '../../src/agent/db/database';
import { rejection, startAgent } from './harness';

const FOLDERBASE = 'etiket_sync_agent_folderbase';

type Agent = Awaited<ReturnType<typeof startAgent>>;

/** A folder-base source on a temporary folder (removed when the test ends). */
async function createSource(agent: Agent, name: string) {
	const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-errors-'));
	onTestFinished(() => fs.rmSync(root, { recursive: true, force: true }));
	const scope = (await agent.client.listScopes())[0]!.uuid;
	return agent.client.createSource({
		name,
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: root },
		default_scope: scope
	});
}

interface ErrorSeed {
	source_id?: number | null;
	exception?: string;
	message?: string;
	traceback?: string | null;
	viewed?: boolean;
}

/** Inserts errors in order (so ids grow); agent errors have no source. */
function insertErrors(db: Db, seeds: ErrorSeed[]): number[] {
	const insert = db.prepare(
		`INSERT INTO errors (source_id, timestamp, exception, message, traceback, viewed)
		VALUES (?, ?, ?, ?, ?, ?)`
	);
	const base = Date.parse('2024-06-01T08:00:00.000Z');
	return seeds.map((seed, index) =>
		Number(
			insert.run(
				seed.source_id ?? null,
				new Date(base + index * 1000).toISOString(),
				seed.exception ?? 'RuntimeError',
				seed.message ?? `error ${index}`,
				seed.traceback === undefined ? `Traceback ${index}\n  at somewhere` : seed.traceback,
				seed.viewed ? 1 : 0
			).lastInsertRowid
		)
	);
}

function viewedOf(db: Db, id: number): boolean {
	return (
		(db.prepare('SELECT viewed FROM errors WHERE id = ?').get(id) as { viewed: number }).viewed ===
		1
	);
}

type Page = { items: ErrorRecord[]; next_cursor: string | null };

/** Follows next_cursor to the end; returns the pages. */
async function pagesOf(list: (cursor: string | undefined) => Promise<Page>): Promise<number[][]> {
	const pages: number[][] = [];
	let cursor: string | undefined;
	for (let guard = 0; guard < 100; guard++) {
		const page = await list(cursor);
		pages.push(page.items.map((error) => error.id));
		if (page.next_cursor === null) return pages;
		cursor = page.next_cursor;
	}
	throw new Error('paging did not end');
}

const descending = (ids: number[]) => [...ids].sort((a, b) => b - a);

/**
 * Four agent errors, two errors of `a`, one of `b`, interleaved, some viewed. Returns the ids
 * by owner, in insertion order.
 */
async function seedMixed(agent: Agent) {
	const a = await createSource(agent, 'a');
	const b = await createSource(agent, 'b');
	const ids = insertErrors(agent.db, [
		{ message: 'agent 0' },
		{ source_id: a.id, message: 'a 0' },
		{ message: 'agent 1', viewed: true },
		{ source_id: b.id, message: 'b 0' },
		{ message: 'agent 2', traceback: null },
		{ source_id: a.id, message: 'a 1', viewed: true },
		{ message: 'agent 3' }
	]);
	const [ag0, a0, ag1, b0, ag2, a1, ag3] = ids as [
		number,
		number,
		number,
		number,
		number,
		number,
		number
	];
	return { a, b, agent: [ag0, ag1, ag2, ag3], ofA: [a0, a1], ofB: [b0], all: ids };
}

describe('agent errors', () => {
	it('lists only the agent’s errors, newest first, with the viewed filter', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const page = await agent.client.listAgentErrors();
		expect(page.next_cursor).toBeNull();
		expect(page.items.map((error) => error.id)).toEqual(descending(seeded.agent));
		expect(page.items.every((error) => error.source_id === null)).toBe(true);
		expect(page.items.at(-1)).toEqual({
			id: seeded.agent[0],
			source_id: null,
			timestamp: '2024-06-01T08:00:00.000Z',
			exception: 'RuntimeError',
			message: 'agent 0',
			traceback: 'Traceback 0\n  at somewhere',
			viewed: false,
			severity: 'error'
		});
		expect(page.items.find((error) => error.message === 'agent 2')!.traceback).toBeNull();

		const unviewed = await agent.client.listAgentErrors({ viewed: false });
		expect(unviewed.items.map((error) => error.id)).toEqual(
			descending([seeded.agent[0]!, seeded.agent[2]!, seeded.agent[3]!])
		);
		const viewed = await agent.client.listAgentErrors({ viewed: true });
		expect(viewed.items.map((error) => error.id)).toEqual([seeded.agent[1]]);
	});

	it('pages with a keyset cursor, every error once', async () => {
		const agent = await startAgent();
		const a = await createSource(agent, 'a');
		const ids = insertErrors(
			agent.db,
			Array.from({ length: 23 }, (_, i) => ({
				source_id: i % 4 === 3 ? a.id : null,
				viewed: i % 3 === 0
			}))
		);
		const agentIds = ids.filter((_, i) => i % 4 !== 3);
		const pages = await pagesOf((cursor) => agent.client.listAgentErrors({ limit: 5, cursor }));
		expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 3]);
		expect(pages.flat()).toEqual(descending(agentIds));

		const unviewedIds = ids.filter((_, i) => i % 4 !== 3 && i % 3 !== 0);
		const unviewed = await pagesOf((cursor) =>
			agent.client.listAgentErrors({ viewed: false, limit: 4, cursor })
		);
		expect(unviewed.flat()).toEqual(descending(unviewedIds));
		expect(unviewed.length).toBe(Math.ceil(unviewedIds.length / 4));

		const bad = await rejection(agent.client.listAgentErrors({ cursor: 'garbage' }));
		expect(bad).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(bad.details.map((detail) => detail.path)).toEqual(['cursor']);
	});

	it('marks one agent error viewed and unviewed', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const id = seeded.agent[0]!;
		const marked = await agent.client.markAgentError({ id, viewed: true });
		expect(marked).toMatchObject({ id, source_id: null, message: 'agent 0', viewed: true });
		expect(viewedOf(agent.db, id)).toBe(true);
		// Again: idempotent.
		expect((await agent.client.markAgentError({ id, viewed: true })).viewed).toBe(true);
		const unmarked = await agent.client.markAgentError({ id, viewed: false });
		expect(unmarked.viewed).toBe(false);
		expect(viewedOf(agent.db, id)).toBe(false);
	});

	it('answers 404 for an unknown id and for a source error on the agent route, and vice versa', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const notFound = { status: 404, code: 'NotFound' };
		expect(await rejection(agent.client.markAgentError({ id: 9999, viewed: true }))).toMatchObject(
			notFound
		);
		const sourceError = seeded.ofA[0]!;
		expect(
			await rejection(agent.client.markAgentError({ id: sourceError, viewed: true }))
		).toMatchObject(notFound);
		expect(viewedOf(agent.db, sourceError)).toBe(false);

		const agentError = seeded.agent[0]!;
		expect(
			await rejection(
				agent.client.markSourceError({ id: seeded.a.id, eid: agentError, viewed: true })
			)
		).toMatchObject(notFound);
		expect(viewedOf(agent.db, agentError)).toBe(false);
		// An error of source b through source a.
		expect(
			await rejection(
				agent.client.markSourceError({ id: seeded.a.id, eid: seeded.ofB[0]!, viewed: true })
			)
		).toMatchObject(notFound);
		expect(viewedOf(agent.db, seeded.ofB[0]!)).toBe(false);
		// Unknown source, unknown error of a known source.
		expect(
			await rejection(agent.client.markSourceError({ id: 999, eid: sourceError, viewed: true }))
		).toMatchObject(notFound);
		expect(
			await rejection(agent.client.markSourceError({ id: seeded.a.id, eid: 9999, viewed: true }))
		).toMatchObject(notFound);
	});

	it('marks all agent errors viewed: the number flipped, only the agent’s', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		// agent 1 was already viewed: three flip.
		expect(await agent.client.markAllAgentErrorsViewed()).toEqual({ flipped: 3 });
		for (const id of seeded.agent) expect(viewedOf(agent.db, id)).toBe(true);
		expect(viewedOf(agent.db, seeded.ofA[0]!)).toBe(false);
		expect(viewedOf(agent.db, seeded.ofB[0]!)).toBe(false);
		expect(await agent.client.markAllAgentErrorsViewed()).toEqual({ flipped: 0 });
	});

	it('marks agent errors viewed up_to_id only up to that id', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		// Up to agent 2: agent 0 and agent 2 flip (agent 1 was viewed), agent 3 stays unviewed.
		expect(await agent.client.markAllAgentErrorsViewed({ up_to_id: seeded.agent[2] })).toEqual({
			flipped: 2
		});
		expect(seeded.agent.map((id) => viewedOf(agent.db, id))).toEqual([true, true, true, false]);
		// Source errors below that id are not the agent's.
		expect(viewedOf(agent.db, seeded.ofA[0]!)).toBe(false);
		expect(viewedOf(agent.db, seeded.ofB[0]!)).toBe(false);
		expect(await agent.client.markAllAgentErrorsViewed({ up_to_id: seeded.agent[2] })).toEqual({
			flipped: 0
		});
		expect(await agent.client.markAllAgentErrorsViewed({ up_to_id: seeded.agent[3] })).toEqual({
			flipped: 1
		});
	});
});

describe('source errors', () => {
	it('lists one source’s errors, newest first, with the viewed filter and paging', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const page = await agent.client.listSourceErrors({ id: seeded.a.id });
		expect(page.items.map((error) => error.id)).toEqual(descending(seeded.ofA));
		expect(page.items.every((error) => error.source_id === seeded.a.id)).toBe(true);
		expect(
			(await agent.client.listSourceErrors({ id: seeded.a.id, viewed: false })).items.map(
				(error) => error.id
			)
		).toEqual([seeded.ofA[0]]);
		expect(
			(await agent.client.listSourceErrors({ id: seeded.b.id })).items.map((error) => error.id)
		).toEqual(seeded.ofB);

		const more = insertErrors(
			agent.db,
			Array.from({ length: 9 }, () => ({ source_id: seeded.a.id }))
		);
		const pages = await pagesOf((cursor) =>
			agent.client.listSourceErrors({ id: seeded.a.id, limit: 4, cursor })
		);
		expect(pages.map((ids) => ids.length)).toEqual([4, 4, 3]);
		expect(pages.flat()).toEqual(descending([...seeded.ofA, ...more]));

		expect(await rejection(agent.client.listSourceErrors({ id: 999 }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
	});

	it('marks one source error viewed and unviewed', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const eid = seeded.ofA[0]!;
		expect(
			await agent.client.markSourceError({ id: seeded.a.id, eid, viewed: true })
		).toMatchObject({ id: eid, source_id: seeded.a.id, viewed: true });
		expect(viewedOf(agent.db, eid)).toBe(true);
		expect(
			(await agent.client.markSourceError({ id: seeded.a.id, eid, viewed: false })).viewed
		).toBe(false);
		expect(viewedOf(agent.db, eid)).toBe(false);
	});

	it('marks all of a source’s errors viewed, up_to_id only up to it, no one else’s', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const [late] = insertErrors(agent.db, [{ source_id: seeded.a.id }]);
		// Up to a 1 (already viewed): only a 0 flips; the later one stays.
		expect(
			await agent.client.markAllSourceErrorsViewed({ id: seeded.a.id, up_to_id: seeded.ofA[1] })
		).toEqual({ flipped: 1 });
		expect(viewedOf(agent.db, seeded.ofA[0]!)).toBe(true);
		expect(viewedOf(agent.db, late!)).toBe(false);
		// Everything of a: the late one.
		expect(await agent.client.markAllSourceErrorsViewed({ id: seeded.a.id })).toEqual({
			flipped: 1
		});
		expect(viewedOf(agent.db, late!)).toBe(true);
		expect(await agent.client.markAllSourceErrorsViewed({ id: seeded.a.id })).toEqual({
			flipped: 0
		});
		// Nobody else's was touched.
		expect(viewedOf(agent.db, seeded.ofB[0]!)).toBe(false);
		expect(seeded.agent.map((id) => viewedOf(agent.db, id))).toEqual([false, true, false, false]);

		expect(await rejection(agent.client.markAllSourceErrorsViewed({ id: 999 }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
	});
});

describe('the error inbox', () => {
	it('lists agent and source errors together, filtered by level and source', async () => {
		const agent = await startAgent();
		const seeded = await seedMixed(agent);
		const ids = async (query: Parameters<Agent['client']['listErrors']>[0] = {}) =>
			(await agent.client.listErrors(query)).items.map((error) => error.id);

		expect(await ids()).toEqual(descending(seeded.all));
		expect(await ids({ level: 'agent' })).toEqual(descending(seeded.agent));
		expect(await ids({ level: 'source' })).toEqual(descending([...seeded.ofA, ...seeded.ofB]));
		expect(await ids({ source_id: seeded.a.id })).toEqual(descending(seeded.ofA));
		expect(await ids({ level: 'source', source_id: seeded.b.id })).toEqual(seeded.ofB);
		expect(await ids({ level: 'agent', source_id: seeded.b.id })).toEqual([]);
		expect(await ids({ viewed: false, level: 'source' })).toEqual(
			descending([seeded.ofA[0]!, seeded.ofB[0]!])
		);
		expect(await ids({ viewed: true })).toEqual(descending([seeded.agent[1]!, seeded.ofA[1]!]));

		const pages = await pagesOf((cursor) => agent.client.listErrors({ limit: 2, cursor }));
		expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
		expect(pages.flat()).toEqual(descending(seeded.all));

		const invalid = await agent.request('/api/v1/errors?level=everything');
		expect(invalid.status).toBe(422);
		expect((await invalid.json()).error.details[0].path).toBe('level');
	});

	it('counts total and unread errors of the agent and of each source', async () => {
		const agent = await startAgent();
		expect(await agent.client.getErrorCounts()).toEqual({
			agent: { total: 0, unread: 0 },
			sources: []
		});
		const seeded = await seedMixed(agent);
		const counts = await agent.client.getErrorCounts();
		expect(counts.agent).toEqual({ total: 4, unread: 3 });
		expect([...counts.sources].sort((x, y) => x.source_id - y.source_id)).toEqual([
			{ source_id: seeded.a.id, total: 2, unread: 1 },
			{ source_id: seeded.b.id, total: 1, unread: 1 }
		]);
		await agent.client.markAllAgentErrorsViewed();
		expect((await agent.client.getErrorCounts()).agent).toEqual({ total: 4, unread: 0 });
	});
});

describe('reporting an agent error', () => {
	it(
		'stores a report with the agent status, the errors and log lines',
		{ timeout: 30_000 },
		async () => {
			const agent = await startAgent();
			await agent.client.startAgent();
			await vi.waitFor(
				async () => expect((await agent.client.getAgentStatus()).iterations).toBeGreaterThan(0),
				{ timeout: 15_000, interval: 100 }
			);
			await agent.client.stopAgent();
			const seeded = await seedMixed(agent);

			const receipt = await agent.client.reportAgentError({ message: 'The agent seems stuck' });
			expect(receipt.report_id).toBeGreaterThan(0);
			const row = agent.db.prepare('SELECT * FROM reports WHERE id = ?').get(receipt.report_id) as {
				source_id: number | null;
				item_id: number | null;
				message: string;
				payload: string;
			};
			expect(row).toMatchObject({
				source_id: null,
				item_id: null,
				message: 'The agent seems stuck'
			});
			const payload = JSON.parse(row.payload) as {
				status: Record<string, unknown>;
				errors: ErrorRecord[];
				logs: string[];
			};
			expect(payload.status).toMatchObject({
				agent_service: 'stopped',
				api_service: 'running',
				status: 'stopped'
			});
			expect(payload.status.iterations).toBeGreaterThan(0);
			const reported = payload.errors.map((error) => error.id);
			for (const id of seeded.agent) expect(reported).toContain(id);
			expect(payload.logs.length).toBeGreaterThan(0);
			expect(payload.logs.every((line) => typeof line === 'string')).toBe(true);
			expect(payload.logs.some((line) => line.includes('Sync agent started'))).toBe(true);
		}
	);

	it('refuses an empty message with 422 on the message field', async () => {
		const agent = await startAgent();
		for (const message of ['', '   ']) {
			const failure = await rejection(agent.client.reportAgentError({ message }));
			expect(failure, JSON.stringify(message)).toMatchObject({
				status: 422,
				code: 'ValidationError'
			});
			expect(failure.details.map((detail) => detail.path)).toEqual(['message']);
		}
		const missing = await agent.request('/api/v1/agent/report', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: '{}'
		});
		expect(missing.status).toBe(422);
		expect((await missing.json()).error.details.map((d: { path: string }) => d.path)).toEqual([
			'message'
		]);
		expect(agent.db.prepare('SELECT COUNT(*) AS n FROM reports').get()).toEqual({ n: 0 });
	});
});

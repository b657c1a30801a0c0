/**
 * The sync history over real HTTP: what the agent did, bucketed, adds up to what became of the
 * items; the items of a failure bar are one search away.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SyncHistory } from '../../src/lib/contract';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { tempDir, writeDataset } from './datasets';
import { rejection, sourceAgent } from './harness';

const sum = (history: SyncHistory, field: 'synced' | 'failed' | 'missing' | 'files' | 'bytes') =>
	history.buckets.reduce((total, bucket) => total + bucket[field], 0);

describe('the sync history', () => {
	it('adds up to the items’ outcomes, per source and in all, with the cycles', async () => {
		const agent = await sourceAgent('etiket_sync_agent_folderbase');
		const root = tempDir();
		writeDataset(root, 'P/a', { 'a.txt': 'aaaa' });
		writeDataset(root, 'P/b', { 'b.txt': 'bb', 'c.txt': 'c' });
		const gone = writeDataset(root, 'P/gone', { 'g.txt': 'gg' });
		writeDataset(root, 'P/bad-1', { 'x.raw': '' }, UNCONVERTIBLE_INFO);
		writeDataset(root, 'P/bad-2', { 'y.raw': '' }, UNCONVERTIBLE_INFO);
		const since = new Date(Date.now() - 60_000).toISOString();
		const source = await agent.start({ root_directory: root }, 'History');
		await agent.untilSource(source.id, { items_synced: 3, items_failed: 2 });
		fs.rmSync(gone, { recursive: true });
		await agent.untilSource(source.id, { items_missing: 1 });

		const read = (query: Record<string, unknown> = {}) =>
			agent.client.getSyncHistory({ bucket: 'minute', since, ...query });
		const mine = await read({ source_id: source.id });
		expect(mine.source_id).toBe(source.id);
		expect({
			synced: sum(mine, 'synced'),
			failed: sum(mine, 'failed'),
			missing: sum(mine, 'missing'),
			files: sum(mine, 'files'),
			bytes: sum(mine, 'bytes')
		}).toEqual({ synced: 3, failed: 2, missing: 1, files: 4, bytes: 4 + 2 + 1 + 2 });
		// Buckets are every minute from `since` on, each a minute after the one before.
		const starts = mine.buckets.map((bucket) => Date.parse(bucket.start));
		expect(starts[0]! % 60_000).toBe(0);
		expect(starts.slice(1).every((start, i) => start - starts[i]! === 60_000)).toBe(true);
		expect(mine.buckets.every((bucket) => bucket.cycles === 0)).toBe(true);

		// Every source's history holds this one's outcomes, and the agent's cycles.
		const all = await read({ bucket: 'hour' });
		expect(sum(all, 'synced')).toBe(3);
		const cycles = all.buckets.reduce((total, bucket) => total + bucket.cycles, 0);
		expect(cycles).toBeGreaterThan(0);
		expect(all.buckets.find((bucket) => bucket.cycles > 0)?.cycle_ms_mean).toBeGreaterThan(0);

		// The items of the failures, as a search: exactly the two that failed.
		const failed = await agent.client.searchItems({ failed_since: since, source_id: source.id });
		expect(failed.items.map((item) => item.data_identifier).sort()).toEqual(['P/bad-1', 'P/bad-2']);
		const before = await agent.client.searchItems({ failed_since: since, failed_until: since });
		expect(before.items).toEqual([]);
	});

	it('refuses more buckets than it serves, and a source that is not there', async () => {
		const agent = await sourceAgent('etiket_sync_agent_folderbase');
		const since = new Date(Date.now() - 30 * 86_400_000).toISOString();
		expect(await rejection(agent.client.getSyncHistory({ bucket: 'minute', since }))).toMatchObject(
			{ status: 422, code: 'ValidationError', message: /at most 2000/ }
		);
		expect(await rejection(agent.client.getSyncHistory({ since, source_id: 999 }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
		// 30 days of days, on the reader's clock: each bucket starts at its midnight.
		const days = await agent.client.getSyncHistory({
			bucket: 'day',
			since,
			utc_offset_minutes: 60
		});
		expect(days.buckets.length).toBeGreaterThanOrEqual(30);
		expect(days.buckets.every((bucket) => bucket.start.endsWith('T23:00:00.000Z'))).toBe(true);
		expect(days.kept_days).toBe(30);
	});
});

describe('the agent overview', () => {
	it('says in one answer what the five reads it sums up say', async () => {
		const agent = await sourceAgent('etiket_sync_agent_folderbase');
		const root = tempDir();
		writeDataset(root, 'P/a', { 'a.txt': 'aaaa' });
		writeDataset(root, 'P/bad', { 'x.raw': '' }, UNCONVERTIBLE_INFO);
		const source = await agent.start({ root_directory: root }, 'Glanced');
		await agent.untilSource(source.id, { items_synced: 1, items_failed: 1 });
		await agent.client.stopAgent();

		const since = new Date(Date.now() - 3_600_000).toISOString();
		const query = { since, utc_offset_minutes: 60 };
		const [overview, status, sources, counts, live, history] = await Promise.all([
			agent.client.getAgentOverview(query),
			agent.client.getAgentStatus(),
			agent.client.listSources(),
			agent.client.getErrorCounts(),
			agent.client.searchItems({ is_live: true }),
			agent.client.getSyncHistory({ bucket: 'hour', ...query })
		]);
		// Read a few milliseconds apart: only the end of the history's range may differ.
		const untimed = (read: SyncHistory) => ({ ...read, until: undefined });
		expect({ ...overview, history: untimed(overview.history) }).toEqual({
			status,
			sources: sources.map((one) => ({
				id: one.id,
				name: one.name,
				backend_identifier: one.backend_identifier,
				status: one.status,
				items_total: one.items_total,
				items_synced: one.items_synced,
				items_failed: one.items_failed,
				items_missing: one.items_missing,
				last_update: one.last_update
			})),
			error_counts: counts,
			live_items: live.items.length,
			history: untimed(history)
		});
		expect(overview.sources[0]).not.toHaveProperty('config_data');
		expect(overview.sources[0]).toMatchObject({ items_synced: 1, items_failed: 1 });
		expect(overview.history.buckets.reduce((n, bucket) => n + bucket.failed, 0)).toBe(1);
	});
});

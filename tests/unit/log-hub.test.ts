import { describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '$lib/contract';
import { LogHub, type LogEvent, type LogSubscriber } from '$lib/server/sync-api/live/log-hub';
import type { SyncApiClient } from '$lib/server/sync-api/client';

function record(offset: number, message = `record at ${offset}`): LogRecord {
	const text = `2026-01-01T00:00:00.000Z INFO test: ${message}`;
	return {
		id: `1:${offset}`,
		time: '2026-01-01T00:00:00.000Z',
		level: 'INFO',
		logger: 'test',
		message,
		text
	};
}

/**
 * A fake sync API log of fixed-size records (10 bytes each) in generation 1: `write()` appends,
 * `followLog` long-polls like the real endpoint; `oldest` says what is still on disk.
 */
function fakeLog() {
	let size = 0;
	let oldest = 0;
	const waiters = new Set<() => void>();
	const follows: { after: string; wait: number }[] = [];
	const recordsFrom = (offset: number) => {
		const list: LogRecord[] = [];
		for (let o = offset; o < size; o += 10) list.push(record(o));
		return list;
	};
	const client = {
		tailLog: async () => ({ service: 'sync_agent' as const, records: [], next: `1:${size}` }),
		followLog: async ({
			after,
			wait,
			signal
		}: {
			after: string;
			wait?: number;
			signal?: AbortSignal;
		}) => {
			follows.push({ after, wait: wait ?? 20 });
			let offset = Number(after.split(':')[1]);
			const gap = offset < oldest;
			if (gap) offset = oldest;
			if (offset >= size && (wait ?? 0) > 0) {
				await new Promise<void>((resolve) => {
					const done = () => {
						waiters.delete(done);
						resolve();
					};
					waiters.add(done);
					signal?.addEventListener('abort', done);
				});
			}
			return {
				service: 'sync_agent' as const,
				records: recordsFrom(offset),
				next: `1:${Math.max(size, offset)}`,
				gap
			};
		}
	};
	return {
		client: client as unknown as SyncApiClient,
		follows,
		write(count = 1) {
			size += 10 * count;
			for (const wake of [...waiters]) wake();
		},
		rotateAwayBefore(offset: number) {
			oldest = offset;
		},
		get waiting() {
			return waiters.size;
		}
	};
}

function collector() {
	const events: LogEvent[] = [];
	let gaps = 0;
	const subscriber: LogSubscriber = {
		records: (list) => events.push(...list),
		gap: () => gaps++,
		state: () => {}
	};
	return { subscriber, events, gaps: () => gaps, ids: () => events.map((e) => e.id) };
}

describe('the log hub', () => {
	it('gives each record the position after it as its id', async () => {
		const log = fakeLog();
		const hub = new LogHub('sync_agent', () => log.client);
		const a = collector();
		const stop = await hub.subscribe(a.subscriber, null);
		await vi.waitFor(() => expect(log.waiting).toBe(1));
		log.write(3);
		await vi.waitFor(() => expect(a.ids()).toEqual(['1:10', '1:20', '1:30']));
		expect(a.events.map((e) => e.record.id)).toEqual(['1:0', '1:10', '1:20']);
		stop();
	});

	it('fans one upstream follower out to every subscriber, and stops after the last leaves', async () => {
		const log = fakeLog();
		const hub = new LogHub('sync_agent', () => log.client);
		const [a, b] = [collector(), collector()];
		const stopA = await hub.subscribe(a.subscriber, null);
		const stopB = await hub.subscribe(b.subscriber, null);
		await vi.waitFor(() => expect(log.waiting).toBe(1));
		log.write(2);
		await vi.waitFor(() => expect(b.ids()).toEqual(['1:10', '1:20']));
		expect(a.ids()).toEqual(b.ids());
		// One long poll at a time, whoever listens.
		expect(log.follows.filter((f) => f.wait > 0).length).toBeLessThanOrEqual(3);
		stopA();
		expect(hub.running).toBe(true);
		stopB();
		expect(hub.running).toBe(false);
		await vi.waitFor(() => expect(log.waiting).toBe(0));
	});

	it('resumes a subscriber after its last id: the missed records once, then live, no duplicates', async () => {
		const log = fakeLog();
		const hub = new LogHub('sync_agent', () => log.client);
		const first = collector();
		const stopFirst = await hub.subscribe(first.subscriber, null);
		await vi.waitFor(() => expect(log.waiting).toBe(1));
		log.write(5);
		await vi.waitFor(() => expect(first.ids()).toHaveLength(5));

		const late = collector();
		const stopLate = await hub.subscribe(late.subscriber, '1:20');
		log.write(2);
		await vi.waitFor(() => expect(late.ids()).toEqual(['1:30', '1:40', '1:50', '1:60', '1:70']));
		expect(late.gaps()).toBe(0);
		stopFirst();
		stopLate();
	});

	it('says when records were rotated away before a resume', async () => {
		const log = fakeLog();
		const hub = new LogHub('sync_agent', () => log.client);
		const first = collector();
		const stopFirst = await hub.subscribe(first.subscriber, null);
		await vi.waitFor(() => expect(log.waiting).toBe(1));
		log.write(10);
		await vi.waitFor(() => expect(first.ids()).toHaveLength(10));
		log.rotateAwayBefore(50);

		const late = collector();
		const stopLate = await hub.subscribe(late.subscriber, '1:10');
		expect(late.gaps()).toBe(1);
		expect(late.ids()[0]).toBe('1:60');
		stopFirst();
		stopLate();
	});
});

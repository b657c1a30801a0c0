/** The log page before its service ever wrote a record: it still goes live from the start. */
import { describe, expect, it, vi } from 'vitest';
import type { LogRecord } from '$lib/contract';
import { LogHub } from '$lib/server/sync-api/live/log-hub';
import type { SyncApiClient } from '$lib/server/sync-api/client';
import { startAgent } from './harness';

const current: { client: SyncApiClient | null } = { client: null };
vi.mock('$lib/server/sync-api/configured', () => ({ syncApi: () => current.client }));

const { load } = await import('../../src/routes/logs/[service=service]/+page.server');

describe('a log that is not written yet', () => {
	it('loads as missing, with the start of the log to follow from; its first record then arrives', async () => {
		const agent = await startAgent();
		current.client = agent.client;
		const url = new URL('http://dashboard.test/logs/sync_agent');
		const data = (await load({ params: { service: 'sync_agent' }, url } as never)) as {
			missing: boolean;
			next: string;
			events: unknown[];
		};
		expect(data).toMatchObject({ missing: true, next: '0:0', events: [] });

		const received: LogRecord[] = [];
		const hub = new LogHub('sync_agent', () => agent.client);
		const stop = await hub.subscribe(
			{
				records: (events) => received.push(...events.map((e) => e.record)),
				gap: () => {},
				state: () => {}
			},
			data.next
		);
		await agent.client.startAgent();
		await vi.waitFor(() => expect(received[0]?.message).toMatch(/^Sync agent started/), {
			timeout: 15_000
		});
		expect(received[0]?.id).toBe('0:0');
		stop();
	});
});

import { describe, expect, it, vi } from 'vitest';
import type { AgentStatus, ErrorCounts } from '$lib/contract';
import { StatusHub } from '$lib/server/sync-api/live/status-hub';
import type { StatusUpdate } from '$lib/status-snapshot';

const agent = (iterations: number): AgentStatus => ({
	agent_service: 'running',
	api_service: 'running',
	status: 'running',
	iterations,
	last_update: null,
	outcomes_recorded: 0
});
const counts: ErrorCounts = { agent: { total: 0, unread: 0 }, sources: [] };

describe('the status hub', () => {
	it('tells only of changes, each stamped with when its read began', async () => {
		let iterations = 1;
		const hub = new StatusHub(
			async () => ({
				agent: agent(iterations),
				sources: [],
				counts,
				live: { items: [], complete: true }
			}),
			5
		);
		const updates: StatusUpdate[] = [];
		const before = Date.now();
		const stop = hub.subscribe((update) => updates.push(update));
		await vi.waitFor(() => expect(updates).toHaveLength(1));
		// Polls that find the same status, at later times, tell nobody.
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(updates).toHaveLength(1);
		iterations = 2;
		await vi.waitFor(() => expect(updates).toHaveLength(2));
		stop();
		const [first, second] = updates.map((update) => ('agent' in update ? update : null));
		expect(second?.agent.iterations).toBe(2);
		expect(first?.readAt).toBeGreaterThanOrEqual(before);
		expect(second?.readAt).toBeGreaterThan(first!.readAt);
	});
});

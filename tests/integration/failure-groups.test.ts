/**
 * Failed items grouped by cause over real HTTP: messages that differ only in their variable
 * parts are one group, other causes other groups; counts follow resets and new failures.
 */
import { describe, expect, it } from 'vitest';
import { failureGroupOf, failureTitle } from '../../src/agent/services/failure-groups';
import { UNCONVERTIBLE_INFO } from '../helpers';
import { tempDir, writeDataset } from './datasets';
import { sourceAgent } from './harness';

const BAD_INFO = 'attributes:\n  sample: [1, 2]\n';

describe('failure titles', () => {
	it('leave out paths, numbers, uuids and quoted values, and nothing else', () => {
		const title = failureTitle;
		expect(
			title('P/run-1/_QH_dataset_info.yaml is invalid: attributes.sample: expected text')
		).toBe('<path> is invalid: attributes.sample: expected text');
		expect(title('C:\\data\\run 7 took 12.5 s and 3 tries')).toBe(
			'<path> <n> took <n> s and <n> tries'
		);
		expect(
			title('Run 42 of "fridge A" (0x1F) in 7b1e4c3a-8d6f-4b2e-9c7a-1d3f5f0c2a9d failed')
		).toBe('Run <n> of <value> (<n>) in <uuid> failed');
		expect(title('No dataset.hdf5 here\nTraceback: …')).toBe('No dataset.hdf5 here');
		expect(title('Cannot read (/tmp/x/y.h5): and/or true/false')).toBe(
			'Cannot read (<path>): and/or true/false'
		);
	});
});

describe('failure groups', () => {
	it('group what differs only in paths and numbers; other causes are other groups; counts follow resets', async () => {
		const agent = await sourceAgent('etiket_sync_agent_folderbase');
		const root = tempDir();
		for (const run of ['P/run-1', 'P/run-22', 'Q/run-333'])
			writeDataset(root, run, { 'a.txt': 'a' }, BAD_INFO);
		for (const run of ['P/raw-1', 'P/raw-2'])
			writeDataset(root, run, { 'x.raw': '' }, UNCONVERTIBLE_INFO);
		writeDataset(root, 'P/fine', { 'a.txt': 'a' });
		const source = await agent.start({ root_directory: root }, 'Grouped');
		await agent.untilSource(source.id, { items_failed: 5, items_synced: 1 });

		const groups = await agent.client.listFailureGroups();
		expect(groups.map((group) => [group.count, group.title])).toEqual([
			[3, '<path> is invalid: attributes.sample: expected text, a number or true/false'],
			[2, expect.any(String)]
		]);
		const [invalid, unconvertible] = groups as [(typeof groups)[0], (typeof groups)[0]];
		expect(invalid).toMatchObject({
			backend: 'etiket_sync_agent_folderbase',
			sources: [{ source_id: source.id, count: 3 }],
			example: { source_id: source.id }
		});
		expect(Date.parse(invalid.last_seen!)).toBeGreaterThanOrEqual(Date.parse(invalid.first_seen!));
		// The group's items, and only they.
		const members = await agent.client.searchItems({ failure_group: invalid.fingerprint });
		expect(members.items.map((item) => item.data_identifier).sort()).toEqual([
			'P/run-1',
			'P/run-22',
			'Q/run-333'
		]);
		expect(
			(await agent.client.searchItems({ failure_group: unconvertible.fingerprint })).items
		).toHaveLength(2);
		// Of another source: none.
		expect(await agent.client.listFailureGroups({ source_id: source.id + 1 })).toEqual([]);

		// A reset empties the group; the items fail again, and it is back, with a new failure.
		expect(await agent.client.resetFailureGroup({ fingerprint: invalid.fingerprint })).toEqual({
			count: 3
		});
		expect((await agent.client.listFailureGroups()).map((group) => group.count)).toEqual([2]);
		writeDataset(root, 'Q/run-4444', { 'a.txt': 'a' }, BAD_INFO);
		await agent.untilSource(source.id, { items_failed: 6 });
		const again = await agent.client.listFailureGroups();
		expect(again.map((group) => [group.fingerprint, group.count])).toEqual([
			[invalid.fingerprint, 4],
			[unconvertible.fingerprint, 2]
		]);
		// Deleting the source takes its failures with it.
		await agent.client.deleteSource({ id: source.id });
		expect(await agent.client.listFailureGroups()).toEqual([]);
	});

	it('are apart for another exception or backend with the same message', async () => {
		const agent = await sourceAgent('etiket_sync_agent_folderbase');
		const cause = { backend: 'etiket_sync_agent_folderbase', exception: 'Error', message: 'x 1' };
		const one = failureGroupOf(agent.db, cause);
		expect(failureGroupOf(agent.db, { ...cause, message: 'x 2' })).toBe(one);
		expect(failureGroupOf(agent.db, { ...cause, exception: 'TypeError' })).not.toBe(one);
		expect(failureGroupOf(agent.db, { ...cause, backend: 'etiket_sync_agent_quantify' })).not.toBe(
			one
		);
	});
});

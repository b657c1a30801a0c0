import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { LogRecord } from '$lib/contract';
import { rejection, startAgent } from './harness';

const SLOW = { timeout: 15_000, interval: 100 };
/** How the API logs each request it serves. */
const REQUEST_LINE = /^(GET|POST|PATCH|DELETE) (\/\S*) (\d{3}) \d+(\.\d+)? ms$/;

type Agent = Awaited<ReturnType<typeof startAgent>>;

/** Starts the agent and waits for it to complete a sync cycle. */
async function runOneCycle(agent: Agent) {
	await agent.client.startAgent();
	await vi.waitFor(
		async () => expect((await agent.client.getAgentStatus()).iterations).toBeGreaterThan(0),
		SLOW
	);
}

function offsetOf(position: string): number {
	return Number(position.split(':')[1]);
}

/** Every record is well formed: its header fields agree with its text. */
function expectWellFormed(records: LogRecord[]) {
	for (const record of records) {
		expect(record.id).toMatch(/^\d+:\d+$/);
		expect(record.text.startsWith(`${record.time} ${record.level} ${record.logger}:`)).toBe(true);
		expect(record.text.endsWith(record.message)).toBe(true);
		expect(Number.isNaN(Date.parse(record.time))).toBe(false);
	}
	const offsets = records.map((record) => offsetOf(record.id));
	expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
}

describe('tailing the logs', () => {
	it('answers 404 LogFileNotFound for the agent log before the agent ever ran', async () => {
		const { client } = await startAgent();
		expect(await rejection(client.tailLog({ service: 'sync_agent' }))).toMatchObject({
			status: 404,
			code: 'LogFileNotFound'
		});
		// The API's own log exists from the start.
		const api = await client.tailLog({ service: 'api' });
		expect(api.service).toBe('api');
	});

	it('has records in both logs once the agent ran a cycle', { timeout: 30_000 }, async () => {
		const agent = await startAgent();
		await runOneCycle(agent);

		const agentLog = await agent.client.tailLog({ service: 'sync_agent' });
		expect(agentLog.service).toBe('sync_agent');
		expect(agentLog.records.length).toBeGreaterThan(0);
		expectWellFormed(agentLog.records);
		expect(agentLog.records[0]).toMatchObject({ level: 'INFO', logger: 'sync_agent' });
		expect(agentLog.records[0]!.message).toMatch(/^Sync agent started/);
		expect(agentLog.next).toMatch(/^\d+:\d+$/);

		const apiLog = await agent.client.tailLog({ service: 'api' });
		expectWellFormed(apiLog.records);
		const requests = apiLog.records.filter((record) => REQUEST_LINE.test(record.message));
		expect(requests.length).toBeGreaterThan(0);
		for (const record of requests) expect(record.level).toBe('DEBUG');
		expect(requests.map((record) => record.message)).toContainEqual(
			expect.stringMatching(/^POST \/api\/v1\/agent\/start 200 /)
		);
		expect(requests.map((record) => record.message)).toContainEqual(
			expect.stringMatching(/^GET \/api\/v1\/agent\/status 200 /)
		);
		// Refusals are logged with their status too.
		await rejection(agent.client.getSource({ id: 4242 }));
		const after = await agent.client.tailLog({ service: 'api', n: 5 });
		expect(after.records.map((record) => record.message)).toContainEqual(
			expect.stringMatching(/^GET \/api\/v1\/sources\/4242 404 /)
		);
	});

	it('limits the count with n, keeping the newest records', async () => {
		const agent = await startAgent();
		for (let i = 0; i < 6; i++) await agent.client.getAgentStatus();
		const two = await agent.client.tailLog({ service: 'api', n: 2 });
		expect(two.records).toHaveLength(2);
		// Read after it, the whole log ends with the same two: reading the log writes nothing.
		const all = await agent.client.tailLog({ service: 'api', n: -1 });
		expect(all.records.length).toBeGreaterThanOrEqual(6);
		expect(all.records.slice(-2)).toEqual(two.records);
		expect(all.records.filter((record) => record.message.includes('/logs/'))).toEqual([]);
		expect(all.next).toBe(two.next);
		const five = await agent.client.tailLog({ service: 'api', n: 5 });
		expect(five.records).toEqual(all.records.slice(-5));
		expect((await agent.client.tailLog({ service: 'api', n: 0 })).records).toEqual([]);
		const bad = await agent.request('/api/v1/logs/api?n=-2');
		expect(bad.status).toBe(422);
		expect((await bad.json()).error.details[0].path).toBe('n');
		const unknown = await agent.request('/api/v1/logs/everything');
		expect(unknown.status).toBe(422);
	});

	it(
		'returns a record with a traceback as one record spanning lines',
		{ timeout: 30_000 },
		async () => {
			const agent = await startAgent();
			const root = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-logs-'));
			onTestFinished(() => fs.rmSync(root, { recursive: true, force: true }));
			const dataset = path.join(root, 'scope', 'broken');
			fs.mkdirSync(dataset, { recursive: true });
			fs.writeFileSync(path.join(dataset, '_QH_dataset_info.yaml'), 'bad: [unclosed\n');
			fs.writeFileSync(path.join(dataset, 'data.txt'), 'data');
			await agent.client.createSource({
				name: 'fb',
				backend_identifier: 'etiket_sync_agent_folderbase',
				config_data: { root_directory: root },
				default_scope: (await agent.client.listScopes())[0]!.uuid
			});
			await runOneCycle(agent);
			let failure: LogRecord | undefined;
			let records: LogRecord[] = [];
			await vi.waitFor(async () => {
				records = (await agent.client.tailLog({ service: 'sync_agent', n: -1 })).records;
				failure = records.find((record) => record.message.startsWith('Failed to sync'));
				expect(failure).toBeDefined();
			}, SLOW);
			expectWellFormed(records);
			expect(failure!.level).toBe('ERROR');
			expect(failure!.text.split('\n').length).toBeGreaterThan(2);
			expect(failure!.text).toMatch(/not valid YAML/);
			expect(failure!.text).toMatch(/\n\s+at /);
			expect(failure!.message).toContain(failure!.text.split('\n').slice(1).join('\n'));
			// No stack frame became a record of its own: one record per header line in the file.
			await agent.client.stopAgent();
			const all = (await agent.client.tailLog({ service: 'sync_agent', n: -1 })).records;
			const raw = fs.readFileSync(agent.settings.agentLogFile, 'utf8');
			expect(all).toHaveLength(
				raw.split('\n').filter((line) => /^\d{4}-\d\d-\d\dT/.test(line)).length
			);
			expect(all.map((record) => record.text).join('\n') + '\n').toBe(raw);
			// The record after it starts right where it ends.
			const index = records.indexOf(failure!);
			const next = records[index + 1];
			if (next) {
				expect(offsetOf(next.id) - offsetOf(failure!.id)).toBe(
					Buffer.byteLength(failure!.text) + 1
				);
			}
		}
	);
});

describe('following the logs', () => {
	it('returns the records written after `next`, none of the tail again', async () => {
		const agent = await startAgent();
		await agent.client.getAgentStatus();
		const tail = await agent.client.tailLog({ service: 'api' });
		const tailIds = new Set(tail.records.map((record) => record.id));
		// Requests the API logs after the tail was read.
		await agent.client.listSources();
		await agent.client.listScopes();

		const followed = await agent.client.followLog({ service: 'api', after: tail.next, wait: 2 });
		expect(followed.service).toBe('api');
		expect(followed.gap).toBe(false);
		expectWellFormed(followed.records);
		expect(followed.records.map((record) => record.message)).toEqual([
			expect.stringMatching(/^GET \/api\/v1\/sources 200 /),
			expect.stringMatching(/^GET \/api\/v1\/scopes 200 /)
		]);
		for (const record of followed.records) {
			expect(tailIds.has(record.id)).toBe(false);
			expect(offsetOf(record.id)).toBeGreaterThanOrEqual(offsetOf(tail.next));
		}
		expect(offsetOf(followed.next)).toBeGreaterThan(offsetOf(tail.next));

		// Following on from there: the follow logged nothing (a follower would wake on its own
		// read, forever), so the next one waits, woken by the next request's record.
		const again = agent.client.followLog({ service: 'api', after: followed.next, wait: 10 });
		const asked = performance.now();
		await agent.client.getErrorCounts();
		expect((await again).records.map((record) => record.message)).toEqual([
			expect.stringMatching(/^GET \/api\/v1\/errors\/counts 200 /)
		]);
		expect(performance.now() - asked).toBeLessThan(5_000);
	});

	it(
		'waits for a record, and answers empty after `wait` when none comes',
		{ timeout: 30_000 },
		async () => {
			const agent = await startAgent();
			await runOneCycle(agent);
			await agent.client.stopAgent();
			const tail = await agent.client.tailLog({ service: 'sync_agent' });
			expect(tail.records.at(-1)!.message).toBe('Sync agent stopped');
			const started = Date.now();
			const idle = await agent.client.followLog({
				service: 'sync_agent',
				after: tail.next,
				wait: 1
			});
			expect(Date.now() - started).toBeGreaterThanOrEqual(900);
			expect(idle).toMatchObject({ records: [], next: tail.next, gap: false });

			// A record written while the follower waits comes back at once.
			const waiting = agent.client.followLog({ service: 'sync_agent', after: tail.next, wait: 10 });
			await new Promise((resolve) => setTimeout(resolve, 300));
			const begun = Date.now();
			await agent.client.startAgent();
			const woke = await waiting;
			expect(Date.now() - begun).toBeLessThan(5000);
			expect(woke.records[0]!.message).toMatch(/^Sync agent started/);
		}
	);

	it('answers an invalid `after` with 422 on that field', async () => {
		const agent = await startAgent();
		for (const after of ['abc', '12', '1:2:3', '-1:0']) {
			const failure = await rejection(agent.client.followLog({ service: 'api', after, wait: 0 }));
			expect(failure, after).toMatchObject({ status: 422, code: 'ValidationError' });
			expect(failure.details.map((detail) => detail.path)).toEqual(['after']);
		}
		// A generation newer than the log has had.
		const future = await rejection(
			agent.client.followLog({ service: 'api', after: '99:0', wait: 0 })
		);
		expect(future).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(future.details.map((detail) => detail.path)).toEqual(['after']);
		const missing = await agent.request('/api/v1/logs/api/follow');
		expect(missing.status).toBe(422);
		expect((await missing.json()).error.details[0].path).toBe('after');
	});
});

describe('what the agent logs', () => {
	it('writes one line for a cycle with nothing new, however many sources; a found dataset at INFO', async () => {
		const agent = await startAgent();
		const data = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-quiet-'));
		onTestFinished(() => fs.rmSync(data, { recursive: true, force: true }));
		for (const name of ['a', 'b', 'c']) {
			const folder = path.join(data, name);
			fs.mkdirSync(path.join(folder, 'run'), { recursive: true });
			fs.writeFileSync(path.join(folder, 'run', '_QH_dataset_info.yaml'), '');
			fs.writeFileSync(path.join(folder, 'run', 'x.txt'), name);
			await agent.client.createSource({
				name: `quiet ${name}`,
				backend_identifier: 'etiket_sync_agent_folderbase',
				config_data: { root_directory: folder },
				default_scope: (await agent.client.listScopes())[0]!.uuid
			});
		}
		await runOneCycle(agent);
		await vi.waitFor(async () => {
			const sources = await agent.client.listSources();
			expect(sources.every((source) => source.items_synced === 1)).toBe(true);
		}, SLOW);
		const file = agent.settings.agentLogFile;
		// The first scans said what they found, at INFO.
		expect(fs.readFileSync(file, 'utf8')).toMatch(/INFO .*Scanned "quiet a": 1 datasets, 1 new/);

		const from = fs.statSync(file).size;
		const before = (await agent.client.getAgentStatus()).iterations;
		await vi.waitFor(
			async () =>
				expect((await agent.client.getAgentStatus()).iterations).toBeGreaterThan(before + 4),
			SLOW
		);
		const after = (await agent.client.getAgentStatus()).iterations;
		const lines = fs.readFileSync(file, 'utf8').slice(from).split('\n').filter(Boolean);
		// One line a cycle at most (one more for the cycle under way as the count was read).
		expect(lines.length).toBeGreaterThan(0);
		expect(lines.length).toBeLessThanOrEqual(after - before + 1);
		expect(
			lines.every((line) => / DEBUG .*Cycle of 3 sources finished in \d+ ms$/.test(line))
		).toBe(true);
	});
});

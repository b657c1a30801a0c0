import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, readGeneration, type Logger } from './logger';
import { followLog, LogFileNotFoundError, positionAfter, tailLog } from './reader';

let dir: string;
let file: string;
const loggers: Logger[] = [];

function open(rotateBytes?: number): Logger {
	const log = createLogger(file, 'test', { rotateBytes });
	loggers.push(log);
	return log;
}

function messages(records: { message: string }[]): string[] {
	return records.map((record) => record.message);
}

/** The bytes a record id points at in the file of its generation. */
function bytesAt(id: string, length: number): string {
	const [generation, offset] = id.split(':').map(Number) as [number, number];
	const target = generation === readGeneration(file) ? file : `${file}.1`;
	return fs
		.readFileSync(target)
		.subarray(offset, offset + length)
		.toString('utf8');
}

beforeEach(() => {
	dir = fs.mkdtempSync(path.join(os.tmpdir(), 'log-reader-'));
	file = path.join(dir, 'agent.log');
});

afterEach(() => {
	for (const log of loggers.splice(0)) log.close();
	vi.restoreAllMocks();
	fs.rmSync(dir, { recursive: true, force: true });
});

describe('tailLog', () => {
	it('returns the last n records, a traceback being one record', () => {
		const log = open();
		log.info('first');
		log.child('engine').error('upload failed: %s', new Error('boom'));
		log.warning('third %d', 3);

		const { records, next } = tailLog(file, 2);
		expect(records).toHaveLength(2);
		const [failure, third] = records as [(typeof records)[0], (typeof records)[0]];
		expect(failure.level).toBe('ERROR');
		expect(failure.logger).toBe('test.engine');
		expect(failure.message).toMatch(/^upload failed: \nError: boom\n\s+at /);
		expect(failure.text).toBe(`${failure.time} ERROR test.engine: ${failure.message}`);
		expect(failure.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(bytesAt(failure.id, Buffer.byteLength(failure.text) + 1)).toBe(`${failure.text}\n`);
		expect(third).toMatchObject({ level: 'WARNING', logger: 'test', message: 'third 3' });
		expect(next).toBe(`0:${fs.statSync(file).size}`);

		expect(messages(tailLog(file, 10).records)).toHaveLength(3);
		expect(tailLog(file, 0)).toEqual({ records: [], next });
	});

	it('reads only the end of a large file', () => {
		const log = open();
		for (let i = 0; i < 20_000; i++) log.info('record %d %s', i, 'x'.repeat(40));
		const size = fs.statSync(file).size;
		expect(size).toBeGreaterThan(1024 * 1024);

		const read = vi.spyOn(fs, 'readSync');
		const { records, next } = tailLog(file, 500);
		const bytes = read.mock.results.reduce((sum, result) => sum + (result.value as number), 0);
		expect(bytes).toBeLessThan(256 * 1024);
		expect(records).toHaveLength(500);
		expect(records[0]!.message).toBe(`record 19500 ${'x'.repeat(40)}`);
		expect(records[499]!.message).toBe(`record 19999 ${'x'.repeat(40)}`);
		expect(next).toBe(`0:${size}`);
		read.mockRestore();

		const all = tailLog(file, -1).records;
		expect(all).toHaveLength(20_000);
		expect(all.slice(-500)).toEqual(records);
	});

	it('reads across the backup and the current file', () => {
		const log = open(300);
		for (let i = 0; i < 20; i++) log.info('record %d', i);
		const generation = readGeneration(file);
		expect(generation).toBeGreaterThanOrEqual(2);

		const { records, next } = tailLog(file, -1);
		const numbers = records.map((record) => Number(record.message.split(' ')[1]));
		expect(numbers.at(-1)).toBe(19);
		expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
		const inCurrent = records.filter((record) => record.id.startsWith(`${generation}:`));
		const inBackup = records.filter((record) => record.id.startsWith(`${generation - 1}:`));
		expect(inBackup.length).toBeGreaterThan(0);
		expect(inBackup.length + inCurrent.length).toBe(records.length);
		expect(next).toBe(`${generation}:${fs.statSync(file).size}`);
		for (const record of records) {
			expect(bytesAt(record.id, Buffer.byteLength(record.text))).toBe(record.text);
		}

		expect(tailLog(file, inCurrent.length + 2).records).toEqual(
			records.slice(-inCurrent.length - 2)
		);
	});

	it('throws LogFileNotFoundError when there is no log', async () => {
		expect(() => tailLog(file, 10)).toThrow(LogFileNotFoundError);
		await expect(followLog(file, '0:0', { wait: 0, limit: 10 })).rejects.toThrow(
			LogFileNotFoundError
		);
		expect(() => positionAfter(file, '0:0')).toThrow(LogFileNotFoundError);
	});

	it('keeps byte offsets right with multi-byte characters', () => {
		const log = open();
		log.info('héllo wörld ✓');
		log.info('日本語 🎉\nsecond line é');
		log.info('plain');
		const { records, next } = tailLog(file, -1);
		expect(messages(records)).toEqual(['héllo wörld ✓', '日本語 🎉\nsecond line é', 'plain']);
		for (const record of records) {
			expect(bytesAt(record.id, Buffer.byteLength(record.text))).toBe(record.text);
		}
		expect(next).toBe(`0:${fs.statSync(file).size}`);
		expect(positionAfter(file, records[0]!.id)).toBe(records[1]!.id);
		expect(tailLog(file, 2).records).toEqual(records.slice(1));
	});
});

describe('followLog', () => {
	it('returns exactly the records written after next', async () => {
		const log = open();
		log.info('old');
		const { next } = tailLog(file, 10);
		log.info('new 1');
		log.error('new 2: %s', new Error('traceback'));
		log.info('new 3');

		const follow = await followLog(file, next, { wait: 0, limit: 100 });
		expect(follow.gap).toBe(false);
		expect(follow.records.map((record) => record.message.split(':')[0])).toEqual([
			'new 1',
			'new 2',
			'new 3'
		]);
		expect(follow.records[0]!.id).toBe(next);
		expect(follow.next).toBe(`0:${fs.statSync(file).size}`);

		const again = await followLog(file, follow.next, { wait: 0, limit: 100 });
		expect(again).toEqual({ records: [], next: follow.next, gap: false });

		const limited = await followLog(file, next, { wait: 0, limit: 2 });
		expect(limited.records).toEqual(follow.records.slice(0, 2));
		expect(limited.next).toBe(follow.records[2]!.id);
	});

	it('follows across a rotation, each record once and in order', async () => {
		const log = open(250);
		log.info('before 0');
		const { next } = tailLog(file, -1);
		for (let i = 1; i < 8; i++) log.info('record %d', i);
		expect(readGeneration(file)).toBe(1);

		const follow = await followLog(file, next, { wait: 0, limit: 100 });
		expect(follow.gap).toBe(false);
		expect(messages(follow.records)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `record ${i}`));
		expect(follow.next).toBe(`1:${fs.statSync(file).size}`);

		// In small pages too: the page boundary may fall in the backup.
		const seen: string[] = [];
		let position = next;
		for (let page = 0; page < 10; page++) {
			const result = await followLog(file, position, { wait: 0, limit: 2 });
			seen.push(...messages(result.records));
			expect(result.gap).toBe(false);
			if (result.records.length === 0) break;
			position = result.next;
		}
		expect(seen).toEqual(messages(follow.records));
	});

	it('notices a rotation while waiting', async () => {
		const log = open(200);
		log.info('first %s', 'x'.repeat(100));
		const { next } = tailLog(file, -1);
		setTimeout(() => log.info('rotates %s', 'y'.repeat(150)), 250);
		const follow = await followLog(file, next, { wait: 5, limit: 100 });
		expect(readGeneration(file)).toBe(1);
		expect(follow.gap).toBe(false);
		expect(messages(follow.records)).toEqual([`rotates ${'y'.repeat(150)}`]);
		expect(follow.records[0]!.id).toBe('1:0');
	});

	it('reports a gap from a position two rotations old and starts at the oldest record', async () => {
		const log = open(300);
		log.info('very old');
		const { next } = tailLog(file, -1);
		let i = 0;
		while (readGeneration(file) < 3) log.info('record %d', i++);

		const follow = await followLog(file, next, { wait: 0, limit: 1000 });
		expect(follow.gap).toBe(true);
		expect(follow.records).toEqual(tailLog(file, -1).records);
		expect(follow.records[0]!.id).toBe('2:0');
		expect(follow.next).toBe(`3:${fs.statSync(file).size}`);

		// Beyond the end of its file (truncated or replaced): also a gap.
		const beyond = await followLog(file, `3:${fs.statSync(file).size + 10}`, {
			wait: 0,
			limit: 1000
		});
		expect(beyond.gap).toBe(true);
		expect(beyond.records).toEqual(follow.records);
	});

	it('rejects a generation newer than the current one', async () => {
		open().info('one');
		await expect(followLog(file, '1:0', { wait: 0, limit: 10 })).rejects.toThrow(RangeError);
		await expect(followLog(file, 'nonsense', { wait: 0, limit: 10 })).rejects.toThrow(RangeError);
	});

	it('leaves an incomplete record until it is complete', async () => {
		const log = open();
		log.info('complete');
		const { next } = tailLog(file, -1);
		fs.appendFileSync(file, `${new Date().toISOString()} INFO other: partial`);

		const before = await followLog(file, next, { wait: 0, limit: 10 });
		expect(before).toEqual({ records: [], next, gap: false });
		expect(tailLog(file, -1)).toEqual({ records: tailLog(file, 1).records, next });
		expect(tailLog(file, -1).records).toHaveLength(1);

		fs.appendFileSync(file, ' done\n');
		const after = await followLog(file, next, { wait: 0, limit: 10 });
		expect(after.records).toHaveLength(1);
		expect(after.records[0]).toMatchObject({ id: next, logger: 'other', message: 'partial done' });
		expect(after.next).toBe(`0:${fs.statSync(file).size}`);
	});

	it('waits for a record written later', async () => {
		const log = open();
		log.info('now');
		const { next } = tailLog(file, -1);
		const started = Date.now();
		setTimeout(() => log.info('later'), 300);
		const follow = await followLog(file, next, { wait: 5, limit: 10 });
		const elapsed = Date.now() - started;
		expect(messages(follow.records)).toEqual(['later']);
		expect(elapsed).toBeGreaterThanOrEqual(250);
		expect(elapsed).toBeLessThan(2000);
	});

	it('answers empty after the wait, and promptly when aborted', async () => {
		open().info('now');
		const { next } = tailLog(file, -1);

		let started = Date.now();
		expect(await followLog(file, next, { wait: 0.3, limit: 10 })).toEqual({
			records: [],
			next,
			gap: false
		});
		expect(Date.now() - started).toBeGreaterThanOrEqual(250);

		const controller = new AbortController();
		started = Date.now();
		setTimeout(() => controller.abort(), 100);
		const follow = await followLog(file, next, {
			wait: 20,
			limit: 10,
			signal: controller.signal
		});
		expect(follow).toEqual({ records: [], next, gap: false });
		expect(Date.now() - started).toBeLessThan(1000);
	});

	it('cleans up its timers', async () => {
		vi.useFakeTimers();
		try {
			open().info('now');
			const { next } = tailLog(file, -1);
			const controller = new AbortController();
			const follow = followLog(file, next, { wait: 20, limit: 10, signal: controller.signal });
			await vi.advanceTimersByTimeAsync(350);
			controller.abort();
			await follow;
			expect(vi.getTimerCount()).toBe(0);

			const waited = followLog(file, next, { wait: 1, limit: 10 });
			await vi.advanceTimersByTimeAsync(1100);
			expect((await waited).records).toEqual([]);
			expect(vi.getTimerCount()).toBe(0);
		} finally {
			vi.useRealTimers();
		}
	});
});

describe('positionAfter', () => {
	it('gives the end of a record, or null when it is gone', () => {
		const log = open(150);
		for (let i = 0; i < 10; i++) log.info('record %d', i);
		const generation = readGeneration(file);
		expect(generation).toBeGreaterThanOrEqual(2);
		const { records, next } = tailLog(file, -1);
		const backupEnd = `${generation - 1}:${fs.statSync(`${file}.1`).size}`;
		for (let i = 0; i < records.length - 1; i++) {
			const following = records[i + 1]!.id;
			// The last record of the backup ends at the backup's end.
			const expected = following === `${generation}:0` ? backupEnd : following;
			expect(positionAfter(file, records[i]!.id)).toBe(expected);
		}
		expect(records.map((record) => record.id)).toContain(`${generation}:0`);
		expect(positionAfter(file, records.at(-1)!.id)).toBe(next);
		expect(positionAfter(file, '0:0')).toBeNull(); // rotated away
		const [last, offset] = records.at(-1)!.id.split(':');
		expect(positionAfter(file, `${last}:${Number(offset) + 1}`)).toBeNull(); // not a record start
		expect(positionAfter(file, next)).toBeNull(); // nothing there yet
	});
});

import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { tempDir } from '../../../tests/helpers';
import { copyRegularFile, FileChangedError } from './safe-files';

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

describe('copyRegularFile', () => {
	it('copies and hashes files of every size in one pass, chunk edges included', async () => {
		const dir = tempDir('qh-copy-', onTestFinished);
		const chunk = 1024 * 1024;
		for (const size of [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk + 12_345]) {
			const data = randomBytes(size);
			const from = path.join(dir, `in-${size}`);
			const to = path.join(dir, `out-${size}`);
			fs.writeFileSync(from, data);
			const copied = await copyRegularFile(from, to, { root: dir, durable: true });
			expect(copied, `${size} bytes`).toMatchObject({ md5: md5(data), size });
			expect(md5(fs.readFileSync(to)), `${size} bytes`).toBe(md5(data));
		}
	});

	it('refuses a file that grows while it is copied, and stops when told to', async () => {
		const dir = tempDir('qh-copy-', onTestFinished);
		const from = path.join(dir, 'growing');
		fs.writeFileSync(from, randomBytes(3 * 1024 * 1024));
		// The copy checks its signal after each chunk read: the file grows after the first.
		const growing = new AbortController().signal;
		let chunks = 0;
		growing.throwIfAborted = () => {
			if (chunks++ === 0) fs.appendFileSync(from, 'more');
		};
		await expect(
			copyRegularFile(from, path.join(dir, 'copy'), { signal: growing })
		).rejects.toBeInstanceOf(FileChangedError);

		await expect(
			copyRegularFile(from, path.join(dir, 'stopped'), { signal: AbortSignal.abort() })
		).rejects.toThrow(/abort/i);
	});
});

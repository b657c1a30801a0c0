import { createHash } from 'node:crypto';
import type { FoundFile } from '../files/safe-files';
import path from 'node:path';

/** Changes whenever a file is added, removed, resized or modified. */
export function fingerprintOf(files: FoundFile[]): string {
	const hash = createHash('md5');
	for (const file of files) hash.update(`${file.name}\0${file.size}\0${file.mtimeMs}\n`);
	return hash.digest('hex');
}

/** Runs `task` over `inputs` with at most `limit` at a time, keeping the order of results. */
export async function mapLimit<T, R>(
	inputs: T[],
	limit: number,
	task: (input: T) => Promise<R>
): Promise<R[]> {
	const results: R[] = new Array(inputs.length);
	let next = 0;
	async function worker() {
		while (next < inputs.length) {
			const index = next++;
			results[index] = await task(inputs[index]!);
		}
	}
	await Promise.all(Array.from({ length: Math.min(limit, inputs.length) }, worker));
	return results;
}

/** `~/data` → `/home/me/data`, then absolute and normalised. */
export function resolveUserPath(value: string, home: string): string {
	const expanded =
		value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value;
	return path.resolve(expanded);
}

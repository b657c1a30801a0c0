import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface FoundFile {
	/** `/`-separated path relative to the walked folder. */
	name: string;
	path: string;
	size: number;
	mtimeMs: number;
}

/** Every non-hidden file under a folder, with size and modification time, sorted by name. */
export async function listFiles(folder: string): Promise<FoundFile[]> {
	const found: FoundFile[] = [];
	async function walk(dir: string, prefix: string) {
		const entries = await fs.readdir(dir, { withFileTypes: true });
		await Promise.all(
			entries.map(async (entry) => {
				if (entry.name.startsWith('.')) return;
				const full = path.join(dir, entry.name);
				const name = prefix ? `${prefix}/${entry.name}` : entry.name;
				if (entry.isDirectory()) return walk(full, name);
				if (!entry.isFile()) return;
				const stat = await fs.stat(full);
				found.push({ name, path: full, size: stat.size, mtimeMs: stat.mtimeMs });
			})
		);
	}
	await walk(folder, '');
	return found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

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

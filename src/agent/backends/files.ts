import { createHash } from 'node:crypto';
import type { FoundFile } from '../files/safe-files';
import path from 'node:path';

/** Changes whenever a file is added, removed, resized or modified. */
export function fingerprintOf(files: FoundFile[]): string {
	const hash = createHash('md5');
	for (const file of files) hash.update(`${file.name}\0${file.size}\0${file.mtimeMs}\n`);
	return hash.digest('hex');
}

/** `~/data` → `/home/me/data`, then absolute and normalised. */
export function resolveUserPath(value: string, home: string): string {
	const expanded =
		value === '~' || value.startsWith('~/') ? path.join(home, value.slice(1)) : value;
	return path.resolve(expanded);
}

import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * A new, empty folder in the system's temporary directory (`prefix` then random characters),
 * and `dispose`, which removes it with all it holds: where a backend writes the files it makes
 * (exports, snapshots of files that may be rewritten while read) until they are uploaded.
 */
export async function temporaryFolder(
	prefix: string
): Promise<{ folder: string; dispose: () => Promise<void> }> {
	const folder = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
	return { folder, dispose: () => fs.rm(folder, { recursive: true, force: true }) };
}

/** Runs `use` with a new temporary folder, removed once it is done, whatever happened. */
export async function withTemporaryFolder<T>(
	prefix: string,
	use: (folder: string) => Promise<T>
): Promise<T> {
	const { folder, dispose } = await temporaryFolder(prefix);
	try {
		return await use(folder);
	} finally {
		await dispose();
	}
}

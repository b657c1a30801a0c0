/**
 * The one way the agent touches the user's files. Every file it reads may be hostile: a link
 * to somewhere else, a FIFO that blocks a reader forever, a device, a file swapped between
 * the scan and the upload, or far too big. So a file is opened without following links,
 * checked through its descriptor (a regular file, inside the folder it belongs to), and read
 * from that same descriptor; folders are walked without following links either.
 */
import { createHash } from 'node:crypto';
import { constants, lstatSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit } from './map-limit';

export const LIMITS = {
	/** A metadata file read whole (`_QH_dataset_info.yaml`): past this it is refused. */
	metadataBytes: 1024 * 1024,
	/** Folders deeper than this below a walked folder are skipped. */
	depth: 64
};

/** Why an entry is left out: named in the sync record and the source's warnings. */
export type SkipReason =
	| 'link'
	| 'FIFO'
	| 'socket'
	| 'device'
	| 'unknown file type'
	| 'outside the folder'
	| 'too deep'
	| 'unreadable'
	| 'invalid TUID';

/** A file the agent will not read, and why; its message names the file. */
export class SkippedFileError extends Error {
	override name = 'SkippedFileError';
	constructor(
		readonly file: string,
		readonly reason: SkipReason,
		detail?: string
	) {
		super(`${file}: skipped, ${reason}${detail ? ` (${detail})` : ''}`);
	}
}

/** Why an entry that is neither a regular file nor a folder is skipped; null for those two. */
export function kindOf(entry: Dirent | Stats): SkipReason | null {
	if (entry.isFile() || entry.isDirectory()) return null;
	if (entry.isSymbolicLink()) return 'link';
	if (entry.isFIFO()) return 'FIFO';
	if (entry.isSocket()) return 'socket';
	if (entry.isBlockDevice() || entry.isCharacterDevice()) return 'device';
	return 'unknown file type';
}

export interface FoundFile {
	/** `/`-separated path relative to the walked folder. */
	name: string;
	path: string;
	size: number;
	mtimeMs: number;
}

export interface SkippedEntry {
	/** `/`-separated path relative to the walked folder. */
	name: string;
	reason: SkipReason;
	detail?: string;
}

export interface Listing {
	files: FoundFile[];
	skipped: SkippedEntry[];
}

/** Whether `folder` is a folder now (following links: a source's folder may be one). */
export function isFolder(folder: string): boolean {
	try {
		return statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
	} catch {
		return false;
	}
}

/**
 * How folders are listed. On a local disk a synchronous call is answered from the page cache
 * in microseconds, where an asynchronous one queues for libuv's four threads (a walk of 10,000
 * datasets took 7× longer); on a network share one call can hang for seconds, and only the
 * asynchronous calls keep the process answering meanwhile.
 */
export interface FolderReads {
	readdir(dir: string): Promise<Dirent[]> | Dirent[];
	lstat(file: string): Promise<Stats> | Stats;
}

export const localDiskReads: FolderReads = {
	readdir: (dir) => readdirSync(dir, { withFileTypes: true }),
	lstat: (file) => lstatSync(file)
};

export const networkShareReads: FolderReads = {
	readdir: (dir) => fs.readdir(dir, { withFileTypes: true }),
	lstat: (file) => fs.lstat(file)
};

/**
 * The entries of a folder met while walking (`name`: relative to where the walk began, '' for
 * that folder itself, whose failure throws). A folder that cannot be read is noted in
 * `skipped` and counts as empty; one that vanished since it was listed is simply gone.
 */
export async function readFolder(
	dir: string,
	name: string,
	skipped: SkippedEntry[],
	reads: FolderReads = networkShareReads
): Promise<Dirent[]> {
	try {
		return await reads.readdir(dir);
	} catch (error) {
		if (!name) throw error;
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			skipped.push({ name, reason: 'unreadable', detail: (error as Error).message });
		}
		return [];
	}
}

/** Entries looked up at once while listing a folder: on a network drive each one is a wait. */
const LSTAT_CONCURRENCY = 16;

/**
 * Every non-hidden regular file under a folder, sorted by name, and every entry left out with
 * why (links, FIFOs, sockets, devices, unreadable or too-deep folders). Breadth first with a
 * queue, so neither depth nor a folder of 150,000 files strains the stack. Only the folder
 * itself being unreadable throws; `signal` stops it between two entries. `entries`: the
 * folder's own, when the caller has just read them.
 */
export async function listFiles(
	folder: string,
	{
		signal,
		reads = networkShareReads,
		entries
	}: { signal?: AbortSignal; reads?: FolderReads; entries?: Dirent[] } = {}
): Promise<Listing> {
	const files: FoundFile[] = [];
	const skipped: SkippedEntry[] = [];
	const queue: { dir: string; prefix: string; level: number }[] = [
		{ dir: folder, prefix: '', level: 0 }
	];
	for (let next = queue.shift(); next; next = queue.shift()) {
		const { dir, prefix, level } = next;
		const candidates: { name: string; full: string }[] = [];
		const listed =
			entries && dir === folder ? entries : await readFolder(dir, prefix, skipped, reads);
		for (const entry of listed) {
			if (entry.name.startsWith('.')) continue;
			const name = prefix ? `${prefix}/${entry.name}` : entry.name;
			const full = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (level + 1 > LIMITS.depth) skipped.push({ name, reason: 'too deep' });
				else queue.push({ dir: full, prefix: name, level: level + 1 });
				continue;
			}
			const kind = kindOf(entry);
			if (kind) skipped.push({ name, reason: kind });
			else candidates.push({ name, full });
		}
		await mapLimit(candidates, LSTAT_CONCURRENCY, async ({ name, full }) => {
			signal?.throwIfAborted();
			try {
				// lstat: a file swapped for a link since readdir is not followed.
				const stat = await reads.lstat(full);
				const swapped = kindOf(stat);
				if (swapped) skipped.push({ name, reason: swapped });
				else files.push({ name, path: full, size: stat.size, mtimeMs: stat.mtimeMs });
			} catch (error) {
				const code = (error as NodeJS.ErrnoException).code;
				// Gone since readdir: not part of the dataset any more.
				if (code !== 'ENOENT') {
					skipped.push({ name, reason: 'unreadable', detail: (error as Error).message });
				}
			}
		});
	}
	files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
	return { files, skipped };
}

/** The path a descriptor really refers to (Linux), else the path's own real path. */
async function realPathOf(handle: FileHandle, file: string): Promise<string> {
	try {
		return await fs.readlink(`/proc/self/fd/${handle.fd}`);
	} catch {
		return fs.realpath(file);
	}
}

function isInside(child: string, parent: string): boolean {
	const relative = path.relative(parent, child);
	return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

export interface OpenFile {
	handle: FileHandle;
	stat: Stats;
}

/**
 * Opens a file for reading if, and only if, it is a regular file inside `root` (when given):
 * never through a link in its last component (`O_NOFOLLOW`), never blocking on a FIFO
 * (`O_NONBLOCK`), and checked on the descriptor it will be read from, so a file swapped
 * after the check is never the one read. The caller closes the handle.
 */
export async function openRegularFile(file: string, root?: string): Promise<OpenFile> {
	let handle: FileHandle;
	try {
		handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ELOOP') throw new SkippedFileError(file, 'link');
		throw error;
	}
	try {
		const stat = await handle.stat();
		if (!stat.isFile()) {
			throw new SkippedFileError(
				file,
				kindOf(stat) ?? 'unknown file type',
				stat.isDirectory() ? 'a folder' : undefined
			);
		}
		if (root) {
			const real = await realPathOf(handle, file);
			if (!isInside(real, await fs.realpath(root))) {
				throw new SkippedFileError(file, 'outside the folder', real);
			}
		}
		return { handle, stat };
	} catch (error) {
		await handle.close();
		throw error;
	}
}

/** A small file read whole (metadata), refused past `maxBytes`. */
export async function readSmallFile(
	file: string,
	root?: string,
	maxBytes = LIMITS.metadataBytes
): Promise<string> {
	const { handle, stat } = await openRegularFile(file, root);
	try {
		if (stat.size > maxBytes) {
			throw new Error(
				`${path.basename(file)} is ${formatBytes(stat.size)}; at most ${formatBytes(maxBytes)} is read`
			);
		}
		const buffer = Buffer.alloc(stat.size);
		const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
		return buffer.subarray(0, bytesRead).toString('utf8');
	} finally {
		await handle.close();
	}
}

function formatBytes(bytes: number): string {
	return bytes >= 1024 * 1024
		? `${(bytes / 1024 / 1024).toFixed(1)} MB`
		: `${Math.ceil(bytes / 1024)} KB`;
}

/** Past this, a file is read in chunks of this size, two at a time (see copyRegularFile). */
const COPY_CHUNK_BYTES = 1024 * 1024;

/** A file that changed while it was copied: the copy is not the file as it is. */
export class FileChangedError extends Error {
	override name = 'FileChangedError';
}

/**
 * Copies a regular file (opened as `openRegularFile` does) into a new file `to`, computing its
 * md5 from the same read; with `durable`, flushed to disk before it returns. A file whose size
 * or modification time changed while it was read is refused, so a half-rewritten file is never
 * taken for the file. Stops between chunks when `signal` aborts; the caller removes `to` on
 * failure.
 *
 * One pass at the disk's pace: while one chunk is written and hashed, the next is read into
 * the other of two buffers, so reading, hashing and writing overlap instead of taking turns.
 */
export async function copyRegularFile(
	from: string,
	to: string,
	options: { root?: string; signal?: AbortSignal; durable?: boolean } = {}
): Promise<{ md5: string; size: number; mtimeMs: number }> {
	const { handle: input, stat } = await openRegularFile(from, options.root);
	const hash = createHash('md5');
	let size = 0;
	try {
		const output = await fs.open(to, 'wx');
		try {
			// Sized to the file: a chunk per small file would keep the garbage collector busy.
			const length = Math.min(COPY_CHUNK_BYTES, stat.size);
			const buffers = [
				Buffer.allocUnsafe(length),
				Buffer.allocUnsafe(stat.size > length ? length : 0)
			];
			// Up to the size it had when opened: a file that grew is refused below anyway.
			const readInto = (buffer: Buffer) => handled(input.read(buffer, 0, length, null));
			let reading = stat.size > 0 ? readInto(buffers[0]!) : null;
			let writing: Promise<void> = Promise.resolve();
			for (let turn = 0; reading; turn++) {
				const { bytesRead, buffer } = await reading;
				if (bytesRead === 0) break;
				options.signal?.throwIfAborted();
				const chunk = buffer.subarray(0, bytesRead);
				size += bytesRead;
				// The other buffer is free again once its write is done.
				await writing;
				reading = size < stat.size ? readInto(buffers[(turn + 1) % 2]!) : null;
				writing = handled(writeAll(output, chunk));
				hash.update(chunk);
			}
			await writing;
			if (options.durable) await output.sync();
		} finally {
			await output.close();
		}
		const after = await input.stat();
		if (size !== stat.size || after.size !== stat.size || after.mtimeMs !== stat.mtimeMs) {
			throw new FileChangedError(
				`${from} changed while it was copied (${stat.size} → ${after.size} bytes); it is copied again next time`
			);
		}
	} finally {
		await input.close();
	}
	return { md5: hash.digest('hex'), size, mtimeMs: stat.mtimeMs };
}

/**
 * The promise, marked handled: one still running when the copy fails is never awaited, and its
 * own failure must not end the process as an unhandled rejection. Awaiting it still throws.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
	promise.catch(() => {});
	return promise;
}

/** Writes the whole chunk: a write may take less than it was given. */
async function writeAll(output: FileHandle, chunk: Buffer): Promise<void> {
	for (let written = 0; written < chunk.length;) {
		const { bytesWritten } = await output.write(chunk, written, chunk.length - written);
		written += bytesWritten;
	}
}

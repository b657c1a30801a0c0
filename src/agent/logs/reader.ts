import fs from 'node:fs';
import path from 'node:path';
import type { LogRecord } from '../../lib/contract/logs';
import { generationFile } from './logger';

/**
 * Reads the files `createLogger` writes: `<file>` (generation G, from `<file>.generation`) and its
 * backup `<file>.1` (generation G-1). A position is `<generation>:<byte offset>`; a record's id is
 * the position of its first byte. A record starts at a line beginning with `YYYY-MM-DDT` (the
 * logger indents continuation lines that would) and is complete once its last line ends in `\n`
 * (each record is written with one write).
 */

export class LogFileNotFoundError extends Error {
	constructor(file: string) {
		super(`No log file at ${file}`);
		this.name = 'LogFileNotFoundError';
	}
}

const CHUNK = 64 * 1024;
/** How often a follower reads again where there are no change notifications, and where there are. */
const POLL_MS = 100;
const FALLBACK_POLL_MS = 1000;
const NEWLINE = 0x0a;
/** `YYYY-MM-DDT`: what a record's first line starts with and no continuation line does. */
const PREFIX_LENGTH = 11;
const HEADER =
	/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z) (DEBUG|INFO|WARNING|ERROR|CRITICAL) (.*?)(?:: |:(?=\n|$))/;

interface OpenFile {
	fd: number;
	size: number;
}

/** Both files opened at one generation, so positions taken from them stay consistent. */
interface Snapshot {
	generation: number;
	current: OpenFile | null;
	backup: OpenFile | null;
}

/**
 * The last `n` records (n = -1: all) across the backup and the current file, oldest first, and
 * `next`, the position right after the last complete record. Reads backwards in chunks, so only
 * about as much as the n records take is read.
 */
export function tailLog(file: string, n: number): { records: LogRecord[]; next: string } {
	return withSnapshot(file, ({ generation, current, backup }) => {
		const want = n < 0 ? -1 : Math.floor(n);
		const tail = current ? tailOf(current, generation, want) : { records: [], end: 0 };
		let records = tail.records;
		if (backup && (want < 0 || records.length < want)) {
			const older = tailOf(backup, generation - 1, want < 0 ? -1 : want - records.length);
			records = older.records.concat(records);
		}
		return { records, next: `${generation}:${tail.end}` };
	});
}

/**
 * The complete records from position `after` (a `next` a previous call returned) on, oldest first,
 * at most `limit`. When there are none yet, waits up to `wait` seconds (woken by the folder's
 * change notifications, and polling, which also notices rotations) and answers with whatever
 * there is then; an aborted `signal` ends the wait
 * early (without throwing). `gap` is true when `after` was rotated away (older than the backup) or
 * lies beyond the end of its file; reading then starts at the oldest available record.
 * Throws `RangeError` for a malformed position or one of a generation newer than the current one.
 */
export async function followLog(
	file: string,
	after: string,
	options: { wait: number; limit: number; signal?: AbortSignal }
): Promise<{ records: LogRecord[]; next: string; gap: boolean }> {
	const { wait, limit, signal } = options;
	const deadline = Date.now() + Math.max(0, wait) * 1000;
	let position = parsePosition(after);
	let gap = false;
	let changes: FolderChanges | null = null;
	try {
		for (let first = true; ; first = false) {
			const read = withSnapshot(file, (snapshot) => readFrom(snapshot, position, limit, first));
			gap ||= read.gap;
			const remaining = deadline - Date.now();
			if (read.records.length > 0 || remaining <= 0 || signal?.aborted) {
				return { records: read.records, next: read.next, gap };
			}
			position = parsePosition(read.next);
			// Watched from the first wait on, then read once more: a record written between that
			// read and the watch is not left for the poll.
			if (!changes) {
				changes = watchFolder(path.dirname(file));
				continue;
			}
			await changes.next(
				Math.min(changes.watching ? FALLBACK_POLL_MS : POLL_MS, remaining),
				signal
			);
		}
	} finally {
		changes?.close();
	}
}

interface FolderChanges {
	/** False where the file system sends no notifications (then only the poll wakes). */
	watching: boolean;
	/** Resolves at the next change in the folder (or at once if one came since), or after `ms`. */
	next(ms: number, signal?: AbortSignal): Promise<void>;
	close(): void;
}

/**
 * The changes in the log's folder (a record written, a rotation), as inotify and its kin tell
 * them: a follower wakes when a record arrives instead of at its next poll.
 */
function watchFolder(folder: string): FolderChanges {
	let changed = false;
	let wake: (() => void) | null = null;
	let watcher: fs.FSWatcher | null = null;
	try {
		watcher = fs.watch(folder, { persistent: false }, () => {
			changed = true;
			wake?.();
		});
		watcher.on('error', () => watcher?.close());
	} catch {
		// No notifications here (some network shares): the poll alone.
	}
	return {
		watching: watcher !== null,
		async next(ms, signal) {
			if (!changed && !signal?.aborted) {
				await new Promise<void>((resolve) => {
					const done = () => {
						clearTimeout(timer);
						signal?.removeEventListener('abort', done);
						wake = null;
						resolve();
					};
					const timer = setTimeout(done, ms);
					wake = done;
					signal?.addEventListener('abort', done, { once: true });
				});
			}
			changed = false;
		},
		close: () => watcher?.close()
	};
}

/**
 * The position right after the record whose id is `id`, where a follower that already has that
 * record continues; null when that record is no longer available (rotated away, or no record
 * starts there). Throws `LogFileNotFoundError` when neither file exists.
 */
export function positionAfter(file: string, id: string): string | null {
	const { generation, offset } = parsePosition(id);
	return withSnapshot(file, (snapshot) => {
		const target =
			generation === snapshot.generation
				? snapshot.current
				: generation === snapshot.generation - 1
					? snapshot.backup
					: null;
		if (!target || offset >= target.size) return null;
		const head = readAt(target.fd, offset, PREFIX_LENGTH);
		if (!startsRecord(head, 0, head.length)) return null;
		const records: LogRecord[] = [];
		const end = scanForward(target, generation, offset, target.size, 1, records, true);
		return records.length === 1 && end > offset ? `${generation}:${end}` : null;
	});
}

/** Reads from `position`, past the end of the backup into the current file. */
function readFrom(
	{ generation, current, backup }: Snapshot,
	position: { generation: number; offset: number },
	limit: number,
	strict: boolean
): { records: LogRecord[]; next: string; gap: boolean } {
	if (position.generation > generation && strict) {
		throw new RangeError(
			`Log position ${position.generation}:${position.offset} is newer than generation ${generation}`
		);
	}
	const currentFile = current ?? { fd: -1, size: 0 };
	const segments: { file: OpenFile; generation: number; from: number }[] = [];
	let gap = false;
	if (position.generation === generation && position.offset <= currentFile.size) {
		segments.push({ file: currentFile, generation, from: position.offset });
	} else if (position.generation === generation - 1 && backup && position.offset <= backup.size) {
		segments.push({ file: backup, generation: generation - 1, from: position.offset });
		segments.push({ file: currentFile, generation, from: 0 });
	} else {
		// Rotated away, truncated or replaced: start at the oldest data there is.
		gap = true;
		if (backup) segments.push({ file: backup, generation: generation - 1, from: 0 });
		segments.push({ file: currentFile, generation, from: 0 });
	}
	const records: LogRecord[] = [];
	let next = `${position.generation}:${position.offset}`;
	for (const segment of segments) {
		const end = scanForward(
			segment.file,
			segment.generation,
			segment.from,
			segment.file.size,
			limit,
			records
		);
		next = `${segment.generation}:${end}`;
		if (records.length >= limit) break;
	}
	return { records, next, gap };
}

/**
 * Parses the records in `[from, to)` of `file`, appending at most `limit - records.length` of them
 * to `records`; text before the first record start is skipped, an incomplete last line is left.
 * Returns the position up to which the data was consumed (right after the last record appended
 * when `limit` was reached). With `firstOnly`, stops after the record starting at `from`.
 */
function scanForward(
	file: OpenFile,
	generation: number,
	from: number,
	to: number,
	limit: number,
	records: LogRecord[],
	firstOnly = false
): number {
	let buffer: Buffer = Buffer.alloc(0);
	let base = from; // file position of buffer[0]
	let read = from; // next position to read
	let lineStart = from; // first line not yet looked at
	let recordStart = -1; // start of the record being collected; -1 while skipping text
	let consumed = from;
	const emit = (end: number) => {
		const record = parseRecord(buffer, recordStart - base, end - base, generation, recordStart);
		if (record) records.push(record);
		consumed = end;
	};
	if (records.length >= limit) return consumed;
	while (read < to) {
		const chunk = readAt(file.fd, read, Math.min(CHUNK, to - read));
		if (chunk.length === 0) break; // the file shrank
		read += chunk.length;
		const keep = recordStart >= 0 ? recordStart : lineStart;
		buffer = Buffer.concat([buffer.subarray(keep - base), chunk]);
		base = keep;
		let newline: number;
		while ((newline = buffer.indexOf(NEWLINE, lineStart - base)) >= 0) {
			const start = lineStart;
			lineStart = base + newline + 1;
			if (startsRecord(buffer, start - base, newline)) {
				if (recordStart >= 0) {
					emit(start);
					if (records.length >= limit || firstOnly) return consumed;
				}
				recordStart = start;
			} else if (recordStart < 0) {
				consumed = lineStart;
			}
		}
	}
	if (recordStart >= 0) emit(lineStart);
	return consumed;
}

/**
 * The last `want` records of one file (want = -1: all) and the end of its complete data. Finds
 * where they start by scanning backwards for record starts, then parses forwards from there.
 */
function tailOf(
	file: OpenFile,
	generation: number,
	want: number
): { records: LogRecord[]; end: number } {
	if (want < 0) {
		const { end } = findStarts(file, 0);
		const records: LogRecord[] = [];
		scanForward(file, generation, 0, end, Infinity, records);
		return { records, end };
	}
	let starts = want;
	for (;;) {
		const found = findStarts(file, starts);
		const from = found.starts.length > 0 ? found.starts[found.starts.length - 1]! : found.end;
		const records: LogRecord[] = [];
		scanForward(file, generation, from, found.end, Infinity, records);
		// A record start whose header does not parse yields no record: look further back.
		if (records.length >= want || found.starts.length < starts) {
			return { records: records.slice(Math.max(0, records.length - want)), end: found.end };
		}
		starts += want - records.length;
	}
}

/**
 * Scans `file` backwards in chunks for the end of its complete data (after its last newline) and
 * the last `want` record starts before it (in descending order); fewer when the file has fewer.
 */
function findStarts(file: OpenFile, want: number): { end: number; starts: number[] } {
	let end = -1;
	const starts: number[] = [];
	let position = file.size;
	// The first bytes after `position`, to check a record prefix that crosses a chunk boundary.
	let following: Buffer = Buffer.alloc(0);
	while (position > 0 && (end < 0 || starts.length < want)) {
		const from = Math.max(0, position - CHUNK);
		const chunk = readAt(file.fd, from, position - from);
		const buffer = following.length > 0 ? Buffer.concat([chunk, following]) : chunk;
		for (let index = chunk.length - 1; index >= 0; index--) {
			index = chunk.lastIndexOf(NEWLINE, index);
			if (index < 0) break;
			if (end < 0) {
				end = from + index + 1;
				if (want === 0) break;
				continue;
			}
			if (startsRecord(buffer, index + 1, buffer.length)) {
				starts.push(from + index + 1);
				if (starts.length >= want) break;
			}
		}
		position = from;
		following = buffer.subarray(0, PREFIX_LENGTH);
		if (position === 0 && end >= 0 && starts.length < want) {
			if (startsRecord(buffer, 0, buffer.length)) starts.push(0);
		}
	}
	return { end: Math.max(end, 0), starts };
}

/** Whether the line at `index` (ending before `limit`) starts with `YYYY-MM-DDT`. */
function startsRecord(buffer: Buffer, index: number, limit: number): boolean {
	if (index + PREFIX_LENGTH > Math.min(limit, buffer.length)) return false;
	for (let i = 0; i < PREFIX_LENGTH; i++) {
		const byte = buffer[index + i]!;
		const ok =
			i === 4 || i === 7 ? byte === 0x2d : i === 10 ? byte === 0x54 : byte >= 0x30 && byte <= 0x39;
		if (!ok) return false;
	}
	return true;
}

/** The record in `buffer[start, end)` (its trailing newline included), or null if unparsable. */
function parseRecord(
	buffer: Buffer,
	start: number,
	end: number,
	generation: number,
	position: number
): LogRecord | null {
	const text = buffer.toString('utf8', start, end - 1);
	const header = HEADER.exec(text);
	if (!header) return null;
	return {
		id: `${generation}:${position}`,
		time: header[1]!,
		level: header[2] as LogRecord['level'],
		logger: header[3]!,
		message: text.slice(header[0].length),
		text
	};
}

function readAt(fd: number, position: number, length: number): Buffer {
	const buffer = Buffer.alloc(length);
	let filled = 0;
	while (filled < length) {
		const count = fs.readSync(fd, buffer, filled, length - filled, position + filled);
		if (count === 0) break;
		filled += count;
	}
	return filled < length ? buffer.subarray(0, filled) : buffer;
}

function parsePosition(position: string): { generation: number; offset: number } {
	const match = /^(\d+):(\d+)$/.exec(position);
	const generation = Number(match?.[1]);
	const offset = Number(match?.[2]);
	if (!match || !Number.isSafeInteger(generation) || !Number.isSafeInteger(offset)) {
		throw new RangeError(`Not a log position: ${position}`);
	}
	return { generation, offset };
}

/**
 * Opens the current file and the backup at one generation. A rotation renames the file, then
 * bumps the generation, then opens a new file; retry while one may be under way.
 */
function openSnapshot(file: string): Snapshot {
	for (let attempt = 0; ; attempt++) {
		const before = generationOf(file);
		const current = openIfExists(file);
		const backup = openIfExists(`${file}.1`);
		const after = generationOf(file);
		const settled =
			before !== null &&
			before === after &&
			!(current === null && backup !== null) &&
			!(current && backup && current.ino === backup.ino && current.dev === backup.dev);
		if (settled || attempt >= 10) {
			if (!current && !backup) throw new LogFileNotFoundError(file);
			return {
				generation: after ?? before ?? 0,
				current: current && { fd: current.fd, size: current.size },
				backup: backup && { fd: backup.fd, size: backup.size }
			};
		}
		if (current) fs.closeSync(current.fd);
		if (backup) fs.closeSync(backup.fd);
		Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
	}
}

function withSnapshot<T>(file: string, use: (snapshot: Snapshot) => T): T {
	const snapshot = openSnapshot(file);
	try {
		return use(snapshot);
	} finally {
		if (snapshot.current) fs.closeSync(snapshot.current.fd);
		if (snapshot.backup) fs.closeSync(snapshot.backup.fd);
	}
}

/** The generation, or null while the counter is being rewritten (empty). */
function generationOf(file: string): number | null {
	let text: string;
	try {
		text = fs.readFileSync(generationFile(file), 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
		throw error;
	}
	if (text.trim() === '') return null;
	return Number.parseInt(text, 10) || 0;
}

function openIfExists(path: string): (OpenFile & { ino: number; dev: number }) | null {
	let fd: number;
	try {
		fd = fs.openSync(path, 'r');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
		throw error;
	}
	try {
		const stat = fs.fstatSync(fd);
		return { fd, size: stat.size, ino: stat.ino, dev: stat.dev };
	} catch (error) {
		fs.closeSync(fd);
		throw error;
	}
}

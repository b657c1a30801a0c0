import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One mutating request: who, from where, what on what, and how it ended. */
export const AuditEntry = z.object({
	time: z.string(),
	role: z.enum(['operator', 'viewer']),
	/** `local` (loopback operator), a session id, or `-` for a viewer. */
	session: z.string(),
	client: z.string(),
	/** The sync agent acted on, by name, in a lab's dashboard; '' with one agent (and before labs). */
	agent: z.string().default(''),
	/** The page and its form action, e.g. `/sources/3 ?/stopSource`. */
	action: z.string(),
	/** What it acted on: the ids in the URL and form. */
	target: z.string(),
	/** `success`, `failure 409` (the person can fix it), `error 503`, `denied 403`. */
	result: z.string()
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const ROTATE_BYTES = 10 * 1024 * 1024;
/** `/audit` reads at most this much of the end of the file. */
const TAIL_BYTES = 1024 * 1024;

/**
 * The audit trail: JSON lines appended to `audit.log` in the dashboard's data directory,
 * rotated at 10 MB with one backup (`audit.log.1`).
 */
export function auditTrail(dataDir: string) {
	const file = path.join(dataDir, 'audit.log');
	let dirMade = false;

	return {
		file,
		record(entry: AuditEntry) {
			if (!dirMade) {
				fs.mkdirSync(dataDir, { recursive: true });
				dirMade = true;
			}
			try {
				if (fs.statSync(file).size >= ROTATE_BYTES) fs.renameSync(file, `${file}.1`);
			} catch {
				// No file yet.
			}
			fs.appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
		},
		/** The latest entries, newest first. */
		latest(limit: number): AuditEntry[] {
			let text: string;
			try {
				const fd = fs.openSync(file, 'r');
				try {
					const size = fs.fstatSync(fd).size;
					const start = Math.max(0, size - TAIL_BYTES);
					const buffer = Buffer.alloc(size - start);
					fs.readSync(fd, buffer, 0, buffer.length, start);
					text = buffer.toString('utf8');
					// Starting mid-file: the first line may be cut.
					if (start > 0) text = text.slice(text.indexOf('\n') + 1);
				} finally {
					fs.closeSync(fd);
				}
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
				throw error;
			}
			const entries: AuditEntry[] = [];
			const lines = text.split('\n').reverse();
			for (const line of lines) {
				if (entries.length >= limit) break;
				if (!line) continue;
				try {
					const parsed = AuditEntry.safeParse(JSON.parse(line));
					if (parsed.success) entries.push(parsed.data);
				} catch {
					// A line cut by a crash mid-write.
				}
			}
			return entries;
		}
	};
}

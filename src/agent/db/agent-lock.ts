import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';

/**
 * One agent per data directory. A sync API restarted right after a crash starts a new agent
 * while the old one may still be finishing a file; two agents would sync the same items at
 * once. The agent holds an exclusive SQLite lock on `file` while it runs. The operating system
 * drops it when the process ends, however it ends, so a crash never leaves a stale lock (as a
 * pid file would). Resolves with the held lock, or null if `signal` aborts first; `onWait`
 * runs once when another agent holds it.
 */
export async function acquireAgentLock(
	file: string,
	signal: AbortSignal,
	onWait: () => void
): Promise<Database.Database | null> {
	// No busy timeout: it would block the event loop, and with it the stop signal.
	const lock = new Database(file, { timeout: 0 });
	lock.pragma('locking_mode = EXCLUSIVE');
	let waiting = false;
	while (!signal.aborted) {
		try {
			lock.exec('BEGIN EXCLUSIVE');
			return lock;
		} catch (error) {
			if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
			if (!waiting) onWait();
			waiting = true;
			await sleep(200, undefined, { signal }).catch(() => undefined);
		}
	}
	lock.close();
	return null;
}

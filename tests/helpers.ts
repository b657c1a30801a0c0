/** Helpers every test suite shares (Vitest and Playwright alike: no test runner is imported). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SyncApiError } from '../src/lib/server/sync-api/sync-api-error';

/**
 * A new folder in the system's temporary directory, its name starting with `prefix`. Given
 * Vitest's `onTestFinished`, it is removed when the test ends.
 */
export function tempDir(prefix: string, onFinished?: (cleanup: () => void) => void): string {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	onFinished?.(() => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

/**
 * The `SyncApiError` a call failed with, as a plain object; any other outcome (success, another
 * error) fails the test.
 */
export async function rejection(promise: Promise<unknown>) {
	try {
		await promise;
	} catch (error) {
		if (!(error instanceof SyncApiError)) throw error;
		const { failure, status, code, message, details } = error;
		return { failure, status, code, message, details };
	}
	throw new Error('expected the call to fail');
}

/** Helpers every test suite shares (Vitest and Playwright alike: no test runner is imported). */
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
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

/** A port nothing listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
	const server = net.createServer().listen(0, '127.0.0.1');
	await once(server, 'listening');
	const { port } = server.address() as net.AddressInfo;
	server.close();
	await once(server, 'close');
	return port;
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

/** Helpers every test suite shares (Vitest and Playwright alike: no test runner is imported). */
import { serve } from '@hono/node-server';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import type http from 'node:http';
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

/**
 * A folder-base dataset's info asking for a converter no agent has: its files are stored, then
 * the item fails (the failures the failure views, history and metrics tests need).
 */
export const UNCONVERTIBLE_INFO =
	'converters:\n  raw_to_hdf5_converter: {module: lab.raw, class: RawToHdf5}\n';

/** Ports each test worker takes its own from; below Linux's ephemeral range (32768–60999). */
const PORTS = { first: 20_000, perWorker: 500, workers: 25 };
let portsTaken = 0;

/**
 * A port nothing listens on now, on 127.0.0.1, for a process about to listen on it. Between
 * this check and that listen the port is free for anyone to take, so each test worker (both
 * runners number theirs) takes ports from a block of its own, in turn; and the block lies
 * below the ephemeral range, where no outgoing connection gets its local port.
 */
export async function freePort(): Promise<number> {
	const worker = Number(process.env.TEST_PARALLEL_INDEX ?? process.env.VITEST_POOL_ID ?? 0);
	const block = PORTS.first + (worker % PORTS.workers) * PORTS.perWorker;
	for (let tried = 0; tried < PORTS.perWorker; tried++) {
		const port = block + (portsTaken++ % PORTS.perWorker);
		const server = net.createServer().listen(port, '127.0.0.1');
		const bound = await Promise.race([
			once(server, 'listening').then(() => true),
			once(server, 'error').then(() => false)
		]);
		if (!bound) continue;
		server.close();
		await once(server, 'close');
		return port;
	}
	throw new Error(`No free port among ${block}–${block + PORTS.perWorker - 1}`);
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

const root = path.resolve(import.meta.dirname, '..');

/** Waits until the process prints `line` (it listens then): no polling, no port probing. */
async function waitForLine(child: ChildProcess, line: string, output: () => string) {
	if (output().includes(line)) return;
	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(
			() => done(new Error(`no "${line}" within 30 s:\n${output()}`)),
			30_000
		);
		const check = () => output().includes(line) && done();
		const exit = () => done(new Error(`process exited early:\n${output()}`));
		function done(error?: Error) {
			clearTimeout(timer);
			child.stdout?.off('data', check);
			child.stderr?.off('data', check);
			child.off('exit', exit);
			if (error) reject(error);
			else resolve();
		}
		child.stdout?.on('data', check);
		child.stderr?.on('data', check);
		child.on('exit', exit);
	});
}

/**
 * Root reads a mode-000 folder anyway. With `permissionsApply`, a process started by root runs
 * without the two capabilities that let it (setpriv, util-linux), so file permissions apply to
 * it as to any user while it still owns what root owns; for another user they apply already.
 */
export interface LaunchOptions {
	permissionsApply?: boolean;
}

/** The command that runs `node <args>` as `options` say: what to give `spawn`. */
export function nodeCommand(args: string[], options: LaunchOptions = {}): [string, string[]] {
	return options.permissionsApply && process.getuid?.() === 0
		? [
				'setpriv',
				['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, ...args]
			]
		: [process.execPath, args];
}

function launch(args: string[], env: NodeJS.ProcessEnv, options: LaunchOptions) {
	const child = spawn(...nodeCommand(args, options), {
		cwd: root,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	const collect = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-1_000_000));
	child.stdout?.on('data', collect);
	child.stderr?.on('data', collect);
	return { child, output: () => output };
}

/**
 * Launches `node <args>` in the project's folder and waits until it prints `line`; kills it
 * if it never does.
 */
export async function launchUntil(
	line: string,
	args: string[],
	env: NodeJS.ProcessEnv,
	options: LaunchOptions = {}
) {
	const started = launch(args, env, options);
	try {
		await waitForLine(started.child, line, started.output);
	} catch (error) {
		await stopProcess(started.child);
		throw error;
	}
	return started;
}

/** Ends a launched process with SIGTERM and waits for it to exit. */
export async function stopProcess(child: ChildProcess) {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = once(child, 'exit');
	child.kill('SIGTERM');
	await exited;
}

/** Serves a fetch handler (the sync API's app) on a free loopback port: its URL, and its end. */
export async function serveOnLoopback(fetch: (request: Request) => Response | Promise<Response>) {
	const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }) as http.Server;
	await once(server, 'listening');
	return {
		baseUrl: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
		close() {
			server.close();
			server.closeAllConnections();
		}
	};
}

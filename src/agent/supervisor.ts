import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from './logs/logger';

/**
 * How to start the agent process. Bundled (`build/agent/serve.js`, as `npm start` runs it) the
 * worker is JavaScript beside this code; from the sources (`npm run agent`, the Vitest tests)
 * it is TypeScript, run through tsx.
 */
const WORKER_ARGS = import.meta.url.endsWith('.js')
	? [fileURLToPath(new URL('./engine/worker.js', import.meta.url))]
	: [
			'--import',
			pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
			fileURLToPath(new URL('./engine/worker.ts', import.meta.url))
		];
/** Stop is graceful: the agent gets this long to finish or abandon its current file. */
const STOP_GRACE_MS = 5000;
const MAX_RESTART_DELAY_MS = 30_000;

export class AgentAlreadyRunning extends Error {}
export class AgentAlreadyStopped extends Error {}

/**
 * Runs the agent process as a child of the API process, as the real product's service
 * manager does: start, graceful stop, and restart with back-off when it crashes.
 */
export class AgentSupervisor {
	#child: ChildProcess | null = null;
	#wanted = false;
	#restartTimer: NodeJS.Timeout | null = null;
	#restartDelay = 1000;
	readonly #env: NodeJS.ProcessEnv;
	readonly #log: Logger;

	constructor(options: { env: NodeJS.ProcessEnv; log: Logger }) {
		this.#env = options.env;
		this.#log = options.log;
	}

	/** The agent process is alive. */
	get running(): boolean {
		return this.#child !== null;
	}

	/** The agent process id, while it runs. */
	get pid(): number | undefined {
		return this.#child?.pid;
	}

	/** Start was asked for and stop was not (the process may be between restarts). */
	get wanted(): boolean {
		return this.#wanted;
	}

	async start(): Promise<void> {
		if (this.#child) throw new AgentAlreadyRunning('The sync agent is already running');
		this.#wanted = true;
		this.#clearRestart();
		await this.#spawn();
	}

	async stop(): Promise<void> {
		const wasWanted = this.#wanted;
		this.#wanted = false;
		this.#clearRestart();
		const child = this.#child;
		if (!child) {
			if (wasWanted) return; // it was between restarts: stopping it is what was asked
			throw new AgentAlreadyStopped('The sync agent is already stopped');
		}
		const exited = once(child, 'exit');
		child.kill('SIGTERM');
		const timer = setTimeout(() => {
			this.#log.warning('Sync agent did not stop within %d ms; killing it', STOP_GRACE_MS);
			child.kill('SIGKILL');
		}, STOP_GRACE_MS);
		await exited;
		clearTimeout(timer);
	}

	async #spawn(): Promise<void> {
		const child = spawn(process.execPath, WORKER_ARGS, {
			env: this.#env,
			// The agent watches its stdin: when this process dies, however it dies, the pipe
			// closes and the agent stops instead of running on as an orphan.
			stdio: ['pipe', 'ignore', 'pipe']
		});
		this.#child = child;
		const startedAt = Date.now();
		let stderr = '';
		child.stderr?.on('data', (chunk: Buffer) => {
			stderr = (stderr + chunk.toString()).slice(-4000);
		});
		child.on('exit', (code, signal) => {
			if (this.#child === child) this.#child = null;
			if (!this.#wanted) {
				this.#log.info('Sync agent process exited (%s)', signal ?? `code ${code}`);
				return;
			}
			this.#log.error(
				'Sync agent process died (%s)%s',
				signal ?? `code ${code}`,
				stderr ? `\n${stderr.trimEnd()}` : ''
			);
			// A process that ran a while before dying gets a fresh back-off.
			if (Date.now() - startedAt > 60_000) this.#restartDelay = 1000;
			this.#scheduleRestart();
		});
		await once(child, 'spawn');
		this.#log.info('Sync agent process started (pid %d)', child.pid);
	}

	#scheduleRestart() {
		const delay = this.#restartDelay;
		this.#restartDelay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
		this.#log.info('Restarting the sync agent in %d ms', delay);
		this.#restartTimer = setTimeout(() => {
			this.#restartTimer = null;
			if (this.#wanted && !this.#child) {
				this.#spawn().catch((error) => this.#log.error('Could not restart the sync agent', error));
			}
		}, delay);
	}

	#clearRestart() {
		if (this.#restartTimer) clearTimeout(this.#restartTimer);
		this.#restartTimer = null;
	}
}

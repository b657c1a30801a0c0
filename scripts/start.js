/**
 * `npm start`, and what a service manager runs (`node scripts/start.js`): builds the dashboard
 * if it is missing or older than its sources, then runs the embedded sync API (unless
 * SYNC_API_URL points at one, or DASHBOARD_AGENTS lists a lab's) and the dashboard, and keeps them running: either one is
 * restarted with back-off when it dies, as the sync API restarts its agent
 * (src/agent/supervisor.ts). SIGTERM or SIGINT stops both, then this process.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfNeeded } from './build-if-needed.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** After SIGTERM a process gets this long to exit; the sync API itself gives its agent 5 s. */
const STOP_GRACE_MS = 10_000;
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A process that ran this long before it died is restarted after the first delay again. */
const STEADY_MS = 60_000;

/**
 * Runs `node <args>` and restarts it whenever it exits until it is stopped: after 1 s, then
 * twice as long after each quick death, up to 30 s.
 * @param {string} name
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function supervise(name, args, env) {
	/** @type {import('node:child_process').ChildProcess | null} */
	let child = null;
	/** @type {NodeJS.Timeout | undefined} */
	let restart;
	let delay = FIRST_RESTART_DELAY_MS;
	let stopping = false;

	function start() {
		const startedAt = Date.now();
		const current = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
		child = current;
		current.on('spawn', () => console.log(`${name} started (pid ${current.pid})`));
		current.on('exit', (code, signal) => {
			child = null;
			if (stopping) return;
			if (Date.now() - startedAt >= STEADY_MS) delay = FIRST_RESTART_DELAY_MS;
			console.error(
				`${name} exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000} s`
			);
			restart = setTimeout(start, delay);
			delay = Math.min(delay * 2, MAX_RESTART_DELAY_MS);
		});
	}
	start();

	return {
		/** No more restarts; SIGTERM, and SIGKILL if it has not exited after the grace period. */
		async stop() {
			stopping = true;
			clearTimeout(restart);
			const current = child;
			if (!current) return;
			const exited = once(current, 'exit');
			current.kill('SIGTERM');
			const kill = setTimeout(() => {
				console.error(`${name} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
				current.kill('SIGKILL');
			}, STOP_GRACE_MS);
			await exited;
			clearTimeout(kill);
		}
	};
}

/** @type {ReturnType<typeof supervise>[]} */
const supervised = [];
let stopping = false;
/** @param {string} reason */
async function stopAll(reason) {
	if (stopping) return;
	stopping = true;
	console.log(`${reason}; stopping`);
	await Promise.all(supervised.map((one) => one.stop()));
	process.exit(0);
}
process.on('SIGTERM', () => void stopAll('Received SIGTERM'));
process.on('SIGINT', () => void stopAll('Received SIGINT'));
// npm exits on SIGTERM without passing it on, and this process would run on without it.
if (process.env.npm_lifecycle_event === 'start') {
	const npm = process.ppid;
	setInterval(() => {
		if (process.ppid !== npm) void stopAll('npm exited');
	}, 1000).unref();
}

/**
 * Why nothing can listen on `host:port` now (an error code such as EADDRINUSE), or null.
 * @param {number} port
 * @param {string} host
 * @returns {Promise<string | null>}
 */
async function listenError(port, host) {
	const server = net.createServer();
	try {
		await new Promise((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, host, () => resolve(null));
		});
		return null;
	} catch (error) {
		return /** @type {NodeJS.ErrnoException} */ (error).code ?? String(error);
	} finally {
		server.close();
	}
}

/**
 * Waits until the sync API answers, for at most 30 s (it may be crashing and restarting).
 * @param {string} url
 */
async function untilHealthy(url) {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		try {
			const token = env.SYNC_API_TOKEN;
			const headers = token ? { authorization: `Bearer ${token}` } : undefined;
			if ((await fetch(`${url}/healthz`, { headers })).ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

try {
	buildIfNeeded();
} catch (error) {
	console.error(/** @type {Error} */ (error).message);
	process.exit(1);
}
const env = { ...process.env };
const host = env.HOST || '127.0.0.1';
const port = Number(env.PORT || 3000);
// Checked once here: past this point a process that cannot listen would be restarted forever.
const dashboardError = await listenError(port, host);
if (dashboardError) {
	console.error(
		`The dashboard cannot listen on ${host}:${port} (${dashboardError}): set PORT or HOST.`
	);
	process.exit(1);
}
// A lab's dashboard (DASHBOARD_AGENTS) shows the agents of other PCs; none runs here.
if (!env.SYNC_API_URL && !env.DASHBOARD_AGENTS && !env.DASHBOARD_AGENTS_FILE) {
	const apiPort = Number(env.SYNC_API_PORT || 10410);
	env.SYNC_API_URL = `http://127.0.0.1:${apiPort}`;
	const apiError = await listenError(apiPort, '127.0.0.1');
	if (apiError) {
		console.error(
			`The embedded sync API cannot listen on 127.0.0.1:${apiPort} (${apiError}). If a sync ` +
				`API runs there, use it with SYNC_API_URL=${env.SYNC_API_URL} npm start; otherwise ` +
				`set SYNC_API_PORT to a free port.`
		);
		process.exit(1);
	}
	const serve = path.join(root, 'build', 'agent', 'serve.js');
	supervised.push(supervise('Sync API', [serve], env));
	// So that the dashboard's first page finds it.
	await untilHealthy(env.SYNC_API_URL);
}
if (!stopping) {
	supervised.push(supervise('Dashboard', [path.join(root, 'scripts', 'dashboard-server.js')], env));
}

/**
 * `npm start`: builds the dashboard if it is missing or older than its sources, starts the
 * embedded sync API (unless SYNC_API_URL points at one), then the dashboard.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const inputs = [
	'src',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'tailwind.config.ts',
	'package.json'
];

/**
 * Newest modification time under the given paths, skipping the agent (it is not built).
 * @param {string[]} paths
 * @returns {number}
 */
function newest(paths) {
	let latest = 0;
	for (const entry of paths) {
		const stat = fs.statSync(entry, { throwIfNoEntry: false });
		if (!stat) continue;
		if (stat.isDirectory()) {
			if (entry === path.join(root, 'src', 'agent')) continue;
			const children = fs.readdirSync(entry).map((name) => path.join(entry, name));
			latest = Math.max(latest, newest(children));
		} else {
			latest = Math.max(latest, stat.mtimeMs);
		}
	}
	return latest;
}

function buildIfNeeded() {
	const built = fs.statSync(path.join(root, 'build', 'handler.js'), { throwIfNoEntry: false });
	if (built && built.mtimeMs >= newest(inputs.map((p) => path.join(root, p)))) return;
	console.log(built ? 'Sources changed: rebuilding the dashboard…' : 'Building the dashboard…');
	const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit'
	});
	if (result.status !== 0) process.exit(result.status ?? 1);
}

/** @type {import('node:child_process').ChildProcess[]} */
const children = [];
/**
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 */
function run(args, env) {
	const child = spawn(process.execPath, args, { cwd: root, env, stdio: 'inherit' });
	children.push(child);
	child.on('exit', (code, signal) => {
		if (stopping) return;
		console.error(
			`${path.basename(args.at(-1) ?? '')} exited (${signal ?? `code ${code}`}); stopping.`
		);
		shutdown(code || 1);
	});
	return child;
}

let stopping = false;
function shutdown(code = 0) {
	stopping = true;
	for (const child of children) child.kill('SIGTERM');
	const exits = children.map(
		(child) =>
			new Promise((resolve) =>
				child.exitCode !== null ? resolve(null) : child.on('exit', resolve)
			)
	);
	Promise.all(exits).then(() => process.exit(code));
}
process.on('SIGINT', () => shutdown());
process.on('SIGTERM', () => shutdown());

/**
 * @param {string} url
 * @param {import('node:child_process').ChildProcess} agent
 */
async function waitForHealth(url, agent) {
	const deadline = Date.now() + 30_000;
	while (Date.now() < deadline) {
		if (agent.exitCode !== null) return false;
		try {
			if ((await fetch(`${url}/healthz`)).ok) return true;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	return false;
}

buildIfNeeded();
const env = { ...process.env };
if (!env.SYNC_API_URL) {
	const port = env.SYNC_API_PORT || '10410';
	env.SYNC_API_URL = `http://127.0.0.1:${port}`;
	try {
		await fetch(`${env.SYNC_API_URL}/healthz`);
		console.error(
			`Something already answers on port ${port}. If it is a sync API, use it with ` +
				`SYNC_API_URL=${env.SYNC_API_URL} npm start; otherwise set SYNC_API_PORT to a free port.`
		);
		process.exit(1);
	} catch {
		// the port is free
	}
	const tsx = path.join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');
	const agent = run(['--import', tsx, path.join(root, 'src', 'agent', 'serve.ts')], env);
	if (!(await waitForHealth(env.SYNC_API_URL, agent))) {
		console.error(`The embedded sync API did not come up at ${env.SYNC_API_URL}.`);
		shutdown(1);
	}
}
if (!stopping) run([path.join(root, 'scripts', 'dashboard-server.js')], env);

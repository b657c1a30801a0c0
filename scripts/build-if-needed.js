/**
 * Builds the dashboard into `build/`, and the embedded sync agent beside it into
 * `build/agent/`, when they are missing or older than their sources: `npm start` does it
 * first, and the tests before they run them.
 */
import { spawnSync } from 'node:child_process';
import esbuild from 'esbuild';
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
 * Newest modification time under the given paths.
 * @param {string[]} paths
 * @returns {number}
 */
function newest(paths) {
	let latest = 0;
	for (const entry of paths) {
		const stat = fs.statSync(entry, { throwIfNoEntry: false });
		if (!stat) continue;
		if (stat.isDirectory()) {
			const children = fs.readdirSync(entry).map((name) => path.join(entry, name));
			latest = Math.max(latest, newest(children));
		} else {
			latest = Math.max(latest, stat.mtimeMs);
		}
	}
	return latest;
}

/**
 * Builds into `outDir` (relative to the repository) unless the build there is newer than every
 * source; `env` is added to the build's environment (the tests build a NODE_ENV=staging copy).
 * @param {string} [outDir]
 * @param {NodeJS.ProcessEnv} [env]
 */
export function buildIfNeeded(outDir = 'build', env = {}) {
	const built = fs.statSync(path.join(root, outDir, 'agent', 'serve.js'), {
		throwIfNoEntry: false
	});
	if (built && built.mtimeMs >= newest(inputs.map((p) => path.join(root, p)))) return;
	console.log(
		built ? `Sources changed: rebuilding ${outDir}/…` : `Building the dashboard into ${outDir}/…`
	);
	const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
	const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...env, DASHBOARD_BUILD_DIR: outDir }
	});
	if (result.status !== 0) throw new Error('The dashboard did not build.');
	// The agent's TypeScript in one file per process, its packages left to node_modules: it
	// starts in half the time tsx needs to load the sources (the sync API and the agent both).
	esbuild.buildSync({
		absWorkingDir: root,
		entryPoints: ['src/agent/serve.ts', 'src/agent/engine/worker.ts'],
		outbase: 'src/agent',
		outdir: path.join(outDir, 'agent'),
		bundle: true,
		platform: 'node',
		format: 'esm',
		target: 'node20',
		packages: 'external',
		sourcemap: true,
		logLevel: 'warning'
	});
}

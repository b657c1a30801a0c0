/**
 * `npm test`: every check, stage by stage, stopping at the first stage that fails. The steps
 * of a stage run side by side: lint uses one core while Chromium and PostgreSQL are installed
 * (if missing) and the builds the tests run are made (if stale). At the end a table says where
 * the time went.
 */
import { spawn } from 'node:child_process';

/**
 * Each stage's steps are `npm run` scripts of package.json. Nothing may run `svelte-kit sync`
 * beside a build: a sync rewrites `.svelte-kit` (its generated server file carries a version of
 * its own) while Vite reads it, and a CI build once came out that did not hydrate. So the sync
 * runs alone first (`prepare`), then the type check, which reads what every sync writes (the
 * builds' own, Vitest's at its start): alone it takes 17 s here, beside the browser tests it
 * took over 110 s and slowed them down.
 */
const stages = [
	['prepare'],
	['check:types'],
	['lint', 'test:prepare'],
	['test:unit'],
	['test:e2e']
];

/**
 * Runs one script; alone it prints as it goes, beside others it prints when it ends.
 * @param {string} script
 * @param {boolean} alone
 * @returns {Promise<{ script: string, ok: boolean, seconds: number }>}
 */
function run(script, alone) {
	const started = performance.now();
	const child = spawn('npm', ['run', '-s', script], {
		stdio: alone ? 'inherit' : ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout?.on('data', (chunk) => (output += chunk));
	child.stderr?.on('data', (chunk) => (output += chunk));
	return new Promise((resolve) => {
		child.on('close', (code) => {
			if (!alone) process.stdout.write(`\n── npm run ${script} ──\n${output}`);
			resolve({ script, ok: code === 0, seconds: (performance.now() - started) / 1000 });
		});
	});
}

const results = [];
const started = performance.now();
for (const stage of stages) {
	const done = await Promise.all(stage.map((script) => run(script, stage.length === 1)));
	results.push(...done);
	if (done.some((result) => !result.ok)) break;
}
const total = (performance.now() - started) / 1000;

console.log('\nnpm test, seconds per step (steps of one stage ran side by side):');
for (const { script, ok, seconds } of results)
	console.log(
		`  ${script.padEnd(12)} ${seconds.toFixed(1).padStart(6)}  ${ok ? 'passed' : 'FAILED'}`
	);
console.log(`  ${'total'.padEnd(12)} ${total.toFixed(1).padStart(6)}`);
const passed = results.length === stages.flat().length && results.every((result) => result.ok);
process.exit(passed ? 0 : 1);

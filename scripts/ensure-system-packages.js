/**
 * Makes sure the system programs the tests use are there, never downloaded ones: Chromium for
 * the browser tests (CHROMIUM_PATH or /usr/bin/chromium), a PostgreSQL server for the
 * Core-Tools tests (PG_BINDIR or Debian's /usr/lib/postgresql/<major>/bin), and Prometheus with
 * promtool for the metrics tests (on the PATH). As root on Debian it installs what is missing
 * (`chromium`, `postgresql`, `prometheus`) in one apt-get run; anyone else gets the one line to
 * run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (process.env.CHROMIUM_PATH && !fs.existsSync(chromium)) {
	console.error(
		`CHROMIUM_PATH=${chromium} does not exist; point it at a Chromium or Chrome binary.`
	);
	process.exit(1);
}
if (process.env.PG_BINDIR && !fs.existsSync(path.join(process.env.PG_BINDIR, 'initdb'))) {
	console.error(
		`PG_BINDIR=${process.env.PG_BINDIR} holds no initdb; point it at PostgreSQL's bin.`
	);
	process.exit(1);
}

function hasPostgres() {
	if (process.env.PG_BINDIR) return true;
	const root = '/usr/lib/postgresql';
	return (
		fs.existsSync(root) &&
		fs.readdirSync(root).some((major) => fs.existsSync(path.join(root, major, 'bin', 'initdb')))
	);
}

/**
 * Whether `command` is a program on the PATH.
 * @param {string} command
 */
function onPath(command) {
	return (process.env.PATH ?? '')
		.split(path.delimiter)
		.some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

const missing = [
	...(fs.existsSync(chromium) ? [] : ['chromium']),
	...(hasPostgres() ? [] : ['postgresql']),
	...(onPath('prometheus') && onPath('promtool') ? [] : ['prometheus'])
];
if (!missing.length) process.exit(0);

const isRoot = process.getuid?.() === 0;
if (!isRoot || !fs.existsSync('/etc/debian_version')) {
	console.error(
		`Missing for the tests: ${missing.join(', ')}. Install ${missing.length > 1 ? 'them' : 'it'} (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')})${missing.includes('chromium') ? ', or set CHROMIUM_PATH' : ''}${missing.includes('postgresql') ? ', or set PG_BINDIR' : ''}.`
	);
	process.exit(1);
}
console.log(`Installing Debian’s ${missing.join(' and ')} for the tests…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', '--no-install-recommends', ...missing]]) {
	const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
	if (result.status !== 0) {
		console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
		process.exit(1);
	}
}

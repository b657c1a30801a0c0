/**
 * Makes sure the system Chromium Playwright uses is there (never a downloaded browser):
 * CHROMIUM_PATH or /usr/bin/chromium. As root on Debian it installs the `chromium`
 * package; anyone else gets the one line to run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const wanted = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (fs.existsSync(wanted)) process.exit(0);

if (process.env.CHROMIUM_PATH) {
	console.error(`CHROMIUM_PATH=${wanted} does not exist; point it at a Chromium or Chrome binary.`);
	process.exit(1);
}
const isRoot = process.getuid?.() === 0;
if (!isRoot || !fs.existsSync('/etc/debian_version')) {
	console.error(
		'No Chromium found: install it (Debian/Ubuntu: sudo apt-get install chromium) or set CHROMIUM_PATH.'
	);
	process.exit(1);
}
console.log('Installing Debian’s chromium package for the browser tests…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'chromium']]) {
	const result = spawnSync('apt-get', args, { stdio: 'inherit', env });
	if (result.status !== 0) {
		console.error(`apt-get ${args.join(' ')} failed (exit ${result.status}).`);
		process.exit(1);
	}
}

/**
 * Builds what the browser tests run: `build/`, and `build-staging/` built with
 * NODE_ENV=staging, which must defend itself exactly like a production build.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const vite = ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'];
fs.rmSync('build-staging', { recursive: true, force: true });
execFileSync(process.execPath, vite, {
	stdio: 'inherit',
	env: { ...process.env, NODE_ENV: 'staging' }
});
fs.renameSync('build', 'build-staging');
execFileSync(process.execPath, vite, { stdio: 'inherit' });

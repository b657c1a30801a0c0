/**
 * Builds what the browser tests run, each only when its sources changed since: `build/`, and
 * `build-staging/` built with NODE_ENV=staging, which must defend itself exactly like a
 * production build.
 */
import { buildIfNeeded } from '../../scripts/build-if-needed.js';

buildIfNeeded('build');
buildIfNeeded('build-staging', { NODE_ENV: 'staging' });

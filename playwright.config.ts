import { defineConfig, devices } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/chromium';

/**
 * End-to-end tests against the built dashboard (`scripts/dashboard-server.js` over
 * `build/`) and a real embedded sync API; each test gets its own (tests/e2e/fixtures.ts).
 * Chromium is Debian's, never a downloaded one.
 */
export default defineConfig({
	testDir: 'tests/e2e',
	outputDir: 'test-results',
	fullyParallel: true,
	// Tests mostly wait on the agents and pages they drive (about 1.2 of two cores busy): four
	// at once take 4.4 min instead of 5.1 here.
	workers: 4,
	retries: 0,
	timeout: 60_000,
	// Generous for what the agent does in the background (seconds on a loaded machine); a
	// passing test never waits it out.
	expect: { timeout: 15_000 },
	reporter: [['list']],
	use: {
		...devices['Desktop Chrome'],
		trace: 'retain-on-failure',
		launchOptions: chromiumLaunchOptions
	}
});

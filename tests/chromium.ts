/**
 * How the browser tests and the benchmarks start Chromium: Debian's (or CHROMIUM_PATH), never a
 * downloaded one, without the sandbox (tests run as root in CI), the GPU, or any connection
 * of its own (this machine's network is closed).
 */
export const chromiumLaunchOptions = {
	executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run'
	]
};

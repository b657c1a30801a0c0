import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	test: {
		include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		// Integration tests spend much of their time waiting on the agent processes they spawn:
		// three at once keep two cores busy.
		maxWorkers: 3,
		testTimeout: 20_000,
		// Teardowns remove what tests made, up to 300,000 files, which took over 20 s on a slow CI disk.
		hookTimeout: 60_000
	}
});

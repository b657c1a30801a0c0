import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: { runes: true },
	kit: {
		// DASHBOARD_BUILD_DIR: the tests also build a NODE_ENV=staging copy beside `build/`.
		adapter: adapter({ out: process.env.DASHBOARD_BUILD_DIR || 'build' }),
		// Only this server's own scripts (SvelteKit's inline start-up script by nonce), styles and
		// connections; no inline styles, no plugins, no framing, forms post here only.
		csp: {
			mode: 'nonce',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self'],
				// The one inline style attribute allowed: that of SvelteKit's route announcer for screen
				// readers. A SvelteKit update that changes it fails every browser test (fixtures.ts).
				'style-src-attr': ['unsafe-hashes', 'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='],
				'img-src': ['self', 'data:'],
				'connect-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;

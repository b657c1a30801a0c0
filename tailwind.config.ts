import type { Config } from 'tailwindcss';

// The status palette: one colour per state, used by every badge, bar and card so a state
// reads the same everywhere. Loaded by src/app.css through `@config`.
export default {
	content: ['./src/**/*.{html,js,svelte,ts}'],
	theme: {
		extend: {
			colors: {
				status: {
					ok: '#15803d',
					active: '#1d4ed8',
					idle: '#6b7280',
					warn: '#b45309',
					error: '#b91c1c'
				}
			},
			fontFamily: {
				mono: ['ui-monospace', 'SFMono-Regular', 'Menlo', 'Consolas', 'monospace']
			}
		}
	}
} satisfies Config;

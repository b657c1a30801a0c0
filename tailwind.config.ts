import type { Config } from 'tailwindcss';

// The status palette: one colour per state, used by every badge, bar and card so a state
// reads the same everywhere. Loaded by src/app.css through `@config`.
export default {
	content: ['./src/**/*.{html,js,svelte,ts}'],
	theme: {
		extend: {
			colors: {
				status: {
					// Dark enough for text on a light tint (WCAG AA); dark mode uses light text.
					ok: '#166534',
					active: '#1e40af',
					idle: '#4b5563',
					warn: '#92400e',
					error: '#991b1b'
				}
			},
			fontFamily: {
				mono: ['ui-monospace', 'SFMono-Regular', 'Menlo', 'Consolas', 'monospace']
			}
		}
	}
} satisfies Config;

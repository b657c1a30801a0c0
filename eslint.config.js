import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

export default ts.config(
	{ ignores: ['build/', 'build-staging/', '.svelte-kit/', 'test-results/', 'playwright-report/'] },
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	prettier,
	...svelte.configs.prettier,
	{
		languageOptions: { globals: { ...globals.browser, ...globals.node } },
		rules: {
			// TypeScript checks undefined names itself (svelte-check and tsc).
			'no-undef': 'off',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
			// The dashboard is served at the root (no `paths.base`), and most links carry the
			// page's filters and cursor in their query string.
			'svelte/no-navigation-without-resolve': 'off',
			// Runes, not stores: svelte/store is refused, so the store rule, which took 27 of
			// lint's 67 s type-aware, has nothing to check.
			'no-restricted-imports': [
				'error',
				{ paths: [{ name: 'svelte/store', message: 'Use runes ($state) or svelte/reactivity.' }] }
			],
			'svelte/require-store-reactive-access': 'off'
		}
	},
	{
		// A route imports only from its own folder; what two routes share lives in $lib.
		files: ['src/routes/**'],
		rules: {
			'no-restricted-imports': [
				'error',
				{
					paths: [{ name: 'svelte/store', message: 'Use runes ($state) or svelte/reactivity.' }],
					patterns: [
						{
							regex: '^\\.\\./(?!app\\.css$)',
							message: 'Another route’s folder: share it through $lib.'
						},
						{
							regex: '^\\./[^/]+/',
							message: 'A subfolder is another route: share it through $lib.'
						}
					]
				}
			]
		}
	},
	{
		// Playwright fixtures must destructure their (here empty) dependencies.
		files: ['tests/e2e/**'],
		rules: { 'no-empty-pattern': 'off' }
	},
	{
		files: ['**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: true,
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		}
	}
);

/**
 * The architecture's import rules (docs/architecture.md), checked by `npm run lint`. That a
 * route imports nothing from another route's folder is an ESLint rule (eslint.config.js): it
 * is a rule about relative paths, and route folder names such as `[id=id]` are regex syntax.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
	forbidden: [
		{
			name: 'no-cycles',
			comment: 'An import cycle makes load order and layering undefined.',
			severity: 'error',
			from: { path: '^src/' },
			to: { circular: true }
		},
		{
			name: 'browser-code-never-imports-server-code',
			comment: '$lib/server holds secrets and the sync API client; pages get data from loads.',
			severity: 'error',
			from: { path: ['\\.svelte$', '\\.svelte\\.ts$', '^src/lib/(?!server/)'] },
			to: { path: '^src/lib/server/' }
		},
		{
			name: 'browser-code-ships-no-zod',
			comment:
				"The contract's schemas are zod, about 30 KB gzipped: browser code takes their types only (a value it needs lives in a zod-free module such as contract/constants.ts).",
			severity: 'error',
			from: {
				path: [
					'\\.svelte$',
					'\\.svelte\\.ts$',
					'^src/lib/(?!server/|contract/)',
					'^src/routes/.*\\.ts$',
					'^src/params/',
					'^src/hooks\\.(client|ts)'
				],
				pathNot: ['\\.server\\.ts$', '/\\+server\\.ts$']
			},
			to: {
				path: ['^src/lib/contract/(?!constants\\.ts$)', 'node_modules/zod/'],
				dependencyTypesNot: ['type-only']
			}
		},
		{
			name: 'dashboard-talks-to-the-agent-over-http',
			comment: 'The dashboard is a client of the sync API; it never imports the agent.',
			severity: 'error',
			from: { path: ['^src/routes/', '^src/lib/', '^src/hooks'] },
			to: { path: '^src/agent/' }
		},
		{
			name: 'agent-shares-only-the-contract',
			comment: 'The agent uses the contract of src/lib and nothing else of the dashboard.',
			severity: 'error',
			from: { path: '^src/agent/' },
			to: { path: ['^src/lib/(?!contract/)', '^src/routes/', '^src/hooks'] }
		},
		{
			name: 'agent-services-below-http-and-engine',
			comment: 'api/ → services/ → db/, engine/ → services/: services never import upwards.',
			severity: 'error',
			from: { path: '^src/agent/services/' },
			to: { path: '^src/agent/(api|engine)/|^src/agent/(runtime|serve|supervisor)\\.ts$' }
		},
		{
			name: 'agent-db-at-the-bottom',
			severity: 'error',
			from: { path: '^src/agent/db/' },
			to: { path: '^src/agent/(?!db/)' }
		},
		{
			name: 'agent-engine-not-http',
			comment: 'The agent process never loads the HTTP app.',
			severity: 'error',
			from: { path: '^src/agent/engine/' },
			to: { path: '^src/agent/api/|^src/agent/(runtime|serve|supervisor)\\.ts$' }
		},
		{
			name: 'agent-backends-and-converters-are-leaves',
			comment: 'A backend reads data and a converter makes a file; the engine stores and records.',
			severity: 'error',
			from: { path: '^src/agent/(backends|converters)/' },
			to: { path: '^src/agent/(api|engine|services|db)/' }
		}
	],
	options: {
		doNotFollow: { path: 'node_modules' },
		exclude: { path: '\\.test\\.ts$' },
		tsPreCompilationDeps: true,
		tsConfig: { fileName: 'tsconfig.json' },
		webpackConfig: { fileName: '.dependency-cruiser-aliases.cjs' },
		enhancedResolveOptions: {
			exportsFields: ['exports'],
			conditionNames: ['import', 'require', 'node', 'default', 'types', 'svelte'],
			extensions: ['.ts', '.js', '.svelte']
		}
	}
};

// SvelteKit's `$lib`, for dependency-cruiser: read through tsconfig.json, the paths of the
// extended .svelte-kit/tsconfig.json resolve against the wrong folder.
module.exports = { resolve: { alias: { $lib: `${__dirname}/src/lib` } } };

/** h5wasm takes a second to load (a large WebAssembly build): only when an HDF5 file is used. */
export async function loadH5wasm() {
	const { default: h5wasm } = await import('h5wasm/node');
	await h5wasm.ready;
	return h5wasm;
}

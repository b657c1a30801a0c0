/**
 * Where the dataset store keeps things: `<store>/<scope>/<dataset>/dataset.json` and the
 * files under `files/`. The engine writes there; the sync API reads previews from there.
 */
import path from 'node:path';

export function datasetFolder(store: string, scope: string, dataset: string): string {
	return path.join(store, scope, dataset);
}

/** Where a stored file of a dataset is (its name is `/`-separated). */
export function storedFilePath(
	store: string,
	scope: string,
	dataset: string,
	name: string
): string {
	return path.join(datasetFolder(store, scope, dataset), 'files', ...name.split('/'));
}

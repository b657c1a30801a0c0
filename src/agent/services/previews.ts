import fs from 'node:fs';
import path from 'node:path';
import type { ItemPreview } from '../../lib/contract';
import type { Db } from '../db/database';
import { previewOf } from '../files/preview';
import { datasetFolder, storedFilePath } from '../files/store-layout';
import { getItemRow } from './items';

/** Data files a preview is drawn from, in order of preference: the exports, then Quantify's. */
const PREFERRED = ['measured_data.hdf5', 'dataset.hdf5'];
const DATA_FILE = /\.(hdf5|h5|nc)$/i;

interface StoredManifest {
	files: { name: string }[];
}

/** The dataset as stored, under whichever scope it was synced to; null before its first sync. */
function storedDataset(store: string, dataset: string) {
	const scopes = fs.existsSync(store) ? fs.readdirSync(store) : [];
	for (const scope of scopes) {
		const manifest = path.join(datasetFolder(store, scope, dataset), 'dataset.json');
		if (!fs.existsSync(manifest)) continue;
		return { scope, manifest: JSON.parse(fs.readFileSync(manifest, 'utf8')) as StoredManifest };
	}
	return null;
}

/** A plot of one variable of an item's synced data file (see `files/preview.ts`). */
export async function itemPreview(
	db: Db,
	store: string,
	target: { sourceId: number; itemId: number; variable?: string }
): Promise<ItemPreview> {
	const item = getItemRow(db, target.sourceId, target.itemId);
	const none = (message: string, file: string | null = null): ItemPreview => ({
		file,
		variables: [],
		variable: null,
		plot: { kind: 'message', message }
	});
	const stored = storedDataset(store, item.dataset_uuid);
	if (!stored) return none('Nothing is synced of this dataset yet.');
	const names = stored.manifest.files.map((file) => file.name);
	const name =
		PREFERRED.find((preferred) => names.includes(preferred)) ??
		names.find((candidate) => DATA_FILE.test(candidate));
	if (!name) return none('This dataset has no HDF5 or netCDF data file to plot.');
	const file = storedFilePath(store, stored.scope, item.dataset_uuid, name);
	try {
		// A stored file is replaced, never written in place: its inode and mtime name a version.
		const stat = fs.statSync(file);
		const key = JSON.stringify([file, stat.ino, stat.mtimeMs, stat.size, target.variable ?? null]);
		const cached = previews.get(key);
		if (cached) {
			// The most recently used last: the first is the one to drop.
			previews.delete(key);
			previews.set(key, cached);
			return cached;
		}
		const preview = await previewOf(file, name, target.variable);
		previews.set(key, preview);
		if (previews.size > CACHED_PREVIEWS) previews.delete(previews.keys().next().value!);
		return preview;
	} catch (error) {
		return none(`${name} cannot be plotted: ${(error as Error).message}`, name);
	}
}

/** Previews kept, a few kilobytes each: reading a million values again takes tens of ms. */
const CACHED_PREVIEWS = 50;
const previews = new Map<string, ItemPreview>();

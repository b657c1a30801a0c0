import fs from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { BackendImplementation, ConfigData, DatasetContent, ScannedDataset } from '../types';
import { fingerprintOf, listFiles, mapLimit } from '../files';
import { INFO_FILE, MANIFEST_FILE, parseDatasetInfo } from './dataset-info';

function rootOf(config: ConfigData): string {
	return String(config.root_directory);
}

/**
 * Folder-base: any folder under the root that holds `_QH_dataset_info.yaml` is a dataset
 * (its subfolders belong to it); its scope identifier is its top-level folder under the root.
 */
export const folderbase: BackendImplementation = {
	async scan(config, signal) {
		const root = rootOf(config);
		const datasetDirs: string[] = [];
		async function walk(dir: string, relative: string): Promise<void> {
			signal.throwIfAborted();
			const entries = await fs.readdir(dir, { withFileTypes: true });
			if (relative && entries.some((e) => e.isFile() && e.name === INFO_FILE)) {
				datasetDirs.push(relative);
				return;
			}
			const subdirs = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.'));
			await mapLimit(subdirs, 8, (e) =>
				walk(path.join(dir, e.name), relative ? `${relative}/${e.name}` : e.name)
			);
		}
		await walk(root, '');
		return mapLimit(datasetDirs, 16, async (dataIdentifier): Promise<ScannedDataset> => {
			signal.throwIfAborted();
			const files = await listFiles(path.join(root, dataIdentifier));
			return {
				dataIdentifier,
				scopeIdentifier: dataIdentifier.split('/')[0]!,
				fingerprint: fingerprintOf(files),
				live: false
			};
		});
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const folder = path.join(rootOf(config), dataIdentifier);
		const info = parseDatasetInfo(await fs.readFile(path.join(folder, INFO_FILE), 'utf8'));
		const skip = info.skip?.length ? picomatch(info.skip) : () => false;
		const converters = Object.entries(info.converters ?? {}).map(
			([pattern, converter]) => [picomatch(pattern), converter] as const
		);
		const all = await listFiles(folder);
		const files = all.filter(
			(file) => file.name !== INFO_FILE && file.name !== MANIFEST_FILE && !skip(file.name)
		);
		const oldest = Math.min(...all.map((file) => file.mtimeMs));
		return {
			name: info.dataset_name ?? path.basename(folder),
			altUid: null,
			collected:
				info.creation ?? new Date(Number.isFinite(oldest) ? oldest : Date.now()).toISOString(),
			description: info.description ?? null,
			tags: info.keywords ?? [],
			attributes: Object.fromEntries(
				Object.entries(info.attributes ?? {}).map(([key, value]) => [key, String(value)])
			),
			files: files.map((file) => ({
				name: file.name,
				path: file.path,
				converter: converters.find(([matches]) => matches(file.name))?.[1] ?? null
			})),
			extra: info.version === undefined ? {} : { version: String(info.version) }
		};
	}
};

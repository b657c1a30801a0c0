import path from 'node:path';
import picomatch from 'picomatch';
import {
	kindOf,
	LIMITS,
	listFiles,
	readFolder,
	readSmallFile,
	type SkippedEntry
} from '../../files/safe-files';
import type { BackendImplementation, ConfigData, DatasetContent, ScannedDataset } from '../types';
import { mapLimit } from '../../files/map-limit';
import { fingerprintOf } from '../files';
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
		const skipped: SkippedEntry[] = [];
		// Breadth first with a queue: any depth, and an unreadable folder only skips itself.
		const queue = [{ relative: '', level: 0 }];
		for (let next = queue.shift(); next; next = queue.shift()) {
			signal.throwIfAborted();
			const { relative, level } = next;
			const entries = await readFolder(path.join(root, relative), relative, skipped);
			const info = relative ? entries.find((e) => e.name === INFO_FILE) : undefined;
			if (info?.isFile()) {
				datasetDirs.push(relative);
				continue;
			}
			// A FIFO or a link by the info file's name does not make a dataset: it is named instead.
			if (info)
				skipped.push({
					name: `${relative}/${INFO_FILE}`,
					reason: kindOf(info) ?? 'unknown file type'
				});
			for (const entry of entries) {
				if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
				const child = relative ? `${relative}/${entry.name}` : entry.name;
				if (level + 1 > LIMITS.depth) skipped.push({ name: child, reason: 'too deep' });
				else queue.push({ relative: child, level: level + 1 });
			}
		}
		const datasets = await mapLimit(datasetDirs, 16, async (dataIdentifier) => {
			signal.throwIfAborted();
			const { files } = await listFiles(path.join(root, dataIdentifier), signal);
			return {
				dataIdentifier,
				scopeIdentifier: dataIdentifier.split('/')[0]!,
				fingerprint: fingerprintOf(files),
				live: false
			} satisfies ScannedDataset;
		});
		return { datasets, skipped };
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const root = rootOf(config);
		const folder = path.join(root, dataIdentifier);
		const info = parseDatasetInfo(await readSmallFile(path.join(folder, INFO_FILE), root));
		const skip = info.skip?.length ? picomatch(info.skip) : () => false;
		const converters = Object.entries(info.converters ?? {}).map(
			([pattern, converter]) => [picomatch(pattern), converter] as const
		);
		const { files: all, skipped } = await listFiles(folder);
		const files = all.filter(
			(file) => file.name !== INFO_FILE && file.name !== MANIFEST_FILE && !skip(file.name)
		);
		let oldest = Infinity;
		for (const file of all) oldest = Math.min(oldest, file.mtimeMs);
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
			skipped: skipped.filter((entry) => !skip(entry.name)),
			extra: info.version === undefined ? {} : { version: String(info.version) }
		};
	}
};

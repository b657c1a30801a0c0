import { rename, writeFile } from 'node:fs/promises';
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
import type {
	BackendImplementation,
	ConfigData,
	Conversion,
	DatasetContent,
	DatasetIdentity,
	ScannedDataset
} from '../types';
import { mapLimit } from '../../files/map-limit';
import { fingerprintOf } from '../files';
import { INFO_FILE, parseDatasetInfo, type WantedConverter } from './dataset-info';
import { MANIFEST_FILE, readManifest, writeManifestText } from './manifest';

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
		const info = parseDatasetInfo(
			await readSmallFile(path.join(folder, INFO_FILE), root),
			`${dataIdentifier}/${INFO_FILE}`
		);
		const skip = skipMatcher(info.skip);
		const { files: all, skipped } = await listFiles(folder);
		const files = all.filter((file) => file.name !== INFO_FILE && !skip(file.name));
		const notes = [...info.notes];
		const recorded = await readRecordedIdentity(folder, root, notes);
		let oldest = Infinity;
		for (const file of all) oldest = Math.min(oldest, file.mtimeMs);
		return {
			name: info.name ?? path.basename(folder),
			altUid: null,
			collected:
				info.collected ?? new Date(Number.isFinite(oldest) ? oldest : Date.now()).toISOString(),
			description: info.description,
			tags: info.keywords,
			attributes: info.attributes,
			files: files.map(({ name, path }) => ({ name, path })),
			conversions: conversionsOf(
				info.converters,
				files.map((file) => file.name)
			),
			skipped: skipped.filter((entry) => !skip(entry.name)),
			notes,
			recorded: recorded && { identity: recorded, folder },
			extra: info.version === null ? {} : { version: info.version }
		};
	},

	async recordSync(config, dataIdentifier, identity, files) {
		const folder = path.join(rootOf(config), dataIdentifier);
		const text = writeManifestText(
			{ ...identity, syncPath: folder },
			files,
			new Date().toISOString()
		);
		// Written aside and renamed: a reader never sees half a manifest.
		const aside = path.join(folder, `${MANIFEST_FILE}.${process.pid}.tmp`);
		await writeFile(aside, text, { flag: 'w', mode: 0o644 });
		await rename(aside, path.join(folder, MANIFEST_FILE));
	}
};

/**
 * `skip` globs as the writer's Python matches them (`*` crosses `/`), on a file's relative path
 * or on any folder it lies in: `raw_data` and `raw_data/*` both leave out all of `raw_data/`.
 */
function skipMatcher(globs: string[]): (name: string) => boolean {
	if (!globs.length) return () => false;
	const matches = picomatch(globs, { bash: true, dot: true });
	return (name) => {
		for (let end = name.length; end > 0; end = name.lastIndexOf('/', end - 1)) {
			if (matches(name.slice(0, end))) return true;
		}
		return false;
	};
}

/**
 * The files each wanted converter takes, by input type: a file with that suffix, or a folder
 * with it (a `.zarr` store is a folder). The result is named like the input, suffix replaced.
 */
function conversionsOf(wanted: WantedConverter[], names: string[]): Conversion[] {
	const conversions: Conversion[] = [];
	for (const converter of wanted) {
		const suffix = `.${converter.input}`;
		const inputs = new Set<string>();
		for (const name of names) {
			for (let end = name.length; end > 0; end = name.lastIndexOf('/', end - 1)) {
				const part = name.slice(0, end);
				if (part.toLowerCase().endsWith(suffix) && part.length > suffix.length) inputs.add(part);
			}
		}
		for (const input of [...inputs].sort()) {
			conversions.push({
				converter: converter.name,
				input,
				output: `${input.slice(0, -suffix.length)}.${converter.output}`
			});
		}
	}
	return conversions;
}

/** A manifest an earlier sync left in the folder: read when it is there, never a failure. */
async function readRecordedIdentity(
	folder: string,
	root: string,
	notes: string[]
): Promise<DatasetIdentity | null> {
	let text: string;
	try {
		text = await readSmallFile(path.join(folder, MANIFEST_FILE), root);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			notes.push(`${MANIFEST_FILE} left aside: ${(error as Error).message}`);
		}
		return null;
	}
	const { identity, note } = readManifest(text);
	notes.push(note);
	return identity;
}

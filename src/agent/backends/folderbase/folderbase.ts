import { lstat, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import {
	kindOf,
	LIMITS,
	localDiskReads,
	networkShareReads,
	type FolderReads,
	listFiles,
	readFolder,
	readSmallFile,
	type SkippedEntry
} from '../../files/safe-files';
import type { Dirent } from 'node:fs';
import type {
	BackendImplementation,
	ConfigData,
	Conversion,
	DatasetContent,
	DatasetIdentity,
	ScannedDataset,
	ScanResult
} from '../types';
import { mapLimit } from '../../files/map-limit';
import { fingerprintOf } from '../files';
import { INFO_FILE, parseDatasetInfo, type WantedConverter } from './dataset-info';
import { MANIFEST_FILE, readManifest, writeManifestText } from './manifest';

function rootOf(config: ConfigData): string {
	return String(config.root_directory);
}

/**
 * A dataset whose newest file changed this recently is still being written: it waits (it is
 * live) until its files have been left alone this long, so a half-written file is not uploaded
 * and a file that keeps growing is not given a new version every cycle.
 */
export const SETTLE_MS = 1000;

/** Folders a server-folder walk reads again per second (on a share each read is a wait). */
export const SERVER_FOLDER_RATE = 10;

/**
 * Folder-base: any folder under the root that holds `_QH_dataset_info.yaml` is a dataset
 * (its subfolders belong to it); its scope identifier is its top-level folder under the root.
 */
export const folderbase: BackendImplementation = {
	async scan(config, signal) {
		const root = rootOf(config);
		if (config.is_server_folder === true) return serverFolderWalk(root).scan(signal);
		const skipped: SkippedEntry[] = [];
		const folders = await findDatasetFolders(root, '', skipped, signal, localDiskReads);
		const datasets = await mapLimit(folders, 16, (folder) =>
			describeDataset(root, folder, signal, localDiskReads)
		);
		return { datasets, skipped };
	},

	watches: (config) => config.is_server_folder !== true,

	async scanChanges(config, changed, signal) {
		// Only watched folders are scanned for changes, and those are never network shares.
		const reads = localDiskReads;
		const root = rootOf(config);
		const skipped: SkippedEntry[] = [];
		const datasetFolders = new Set<string>();
		const walked = new Set<string>();
		for (const relative of changed) {
			signal.throwIfAborted();
			const dataset = await outermostDataset(root, relative);
			if (dataset !== null) datasetFolders.add(dataset);
			else walked.add(await nearestFolder(root, relative));
		}
		const examined = outermost([...datasetFolders, ...walked]);
		const folders: DatasetFolder[] = [];
		for (const folder of examined) {
			if (datasetFolders.has(folder)) folders.push({ relative: folder });
			else folders.push(...(await findDatasetFolders(root, folder, skipped, signal, reads)));
		}
		const datasets = await mapLimit(folders, 16, (folder) =>
			describeDataset(root, folder, signal, reads)
		);
		return { datasets, skipped, examined };
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
			// Its files are whatever the lab put there: no parameters are read from them.
			parameters: [],
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

/**
 * The folders to look into under a folder that is not a dataset, hidden ones left out and those
 * past the depth limit skipped. An info file there that is not a regular file (a FIFO, a link)
 * makes no dataset: it is named instead.
 */
function subfoldersOf(
	relative: string,
	level: number,
	info: Dirent | undefined,
	entries: Dirent[],
	skipped: SkippedEntry[]
): string[] {
	if (info)
		skipped.push({ name: `${relative}/${INFO_FILE}`, reason: kindOf(info) ?? 'unknown file type' });
	const children: string[] = [];
	for (const entry of entries) {
		if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
		const child = relative ? `${relative}/${entry.name}` : entry.name;
		if (level + 1 > LIMITS.depth) skipped.push({ name: child, reason: 'too deep' });
		else children.push(child);
	}
	return children;
}

/**
 * The dataset folders at or under `start` (relative to the root, '' for the root itself),
 * breadth first: any depth, an unreadable folder only skips itself, and the walk does not
 * descend into a dataset (its subfolders belong to it).
 */
async function findDatasetFolders(
	root: string,
	start: string,
	skipped: SkippedEntry[],
	signal: AbortSignal,
	reads: FolderReads
): Promise<DatasetFolder[]> {
	const found: DatasetFolder[] = [];
	const queue = [{ relative: start, level: start ? start.split('/').length : 0 }];
	for (let next = queue.shift(); next; next = queue.shift()) {
		signal.throwIfAborted();
		const { relative, level } = next;
		const entries = await readFolder(path.join(root, relative), relative, skipped, reads);
		const info = relative ? entries.find((e) => e.name === INFO_FILE) : undefined;
		if (info?.isFile()) {
			found.push({ relative, entries });
			continue;
		}
		for (const child of subfoldersOf(relative, level, info, entries, skipped)) {
			queue.push({ relative: child, level: level + 1 });
		}
	}
	return found;
}

/** A dataset folder found by a walk, with its entries as the walk read them. */
interface DatasetFolder {
	relative: string;
	entries?: Dirent[];
}

/** A dataset as a scan reports it: live while its files are still being written. */
async function describeDataset(
	root: string,
	{ relative: dataIdentifier, entries }: DatasetFolder,
	signal: AbortSignal,
	reads: FolderReads
): Promise<ScannedDataset> {
	const folder = path.join(root, dataIdentifier);
	const { files } = await listFiles(folder, { signal, reads, entries });
	let newest = 0;
	for (const file of files) newest = Math.max(newest, file.mtimeMs);
	const age = Date.now() - newest;
	return {
		dataIdentifier,
		scopeIdentifier: dataIdentifier.split('/')[0]!,
		fingerprint: fingerprintOf(files),
		// A time in the future (a share's clock ahead of ours) is not taken for writing.
		live: age >= -SETTLE_MS && age < SETTLE_MS,
		settlesAt: newest + SETTLE_MS
	};
}

/**
 * The dataset a changed path belongs to, as a full scan would name it: the outermost folder
 * above it (or it) that holds the info file as a regular file. Null when none does.
 */
async function outermostDataset(root: string, relative: string): Promise<string | null> {
	const parts = relative.split('/').filter(Boolean);
	for (let depth = 1; depth <= parts.length; depth++) {
		if (parts[depth - 1]!.startsWith('.')) return null;
		const folder = parts.slice(0, depth).join('/');
		const info = await lstat(path.join(root, folder, INFO_FILE)).catch(() => null);
		if (info?.isFile()) return folder;
	}
	return null;
}

/** The path itself when it is a folder that exists, else its nearest existing parent folder. */
async function nearestFolder(root: string, relative: string): Promise<string> {
	const parts = relative.split('/').filter(Boolean);
	for (let depth = parts.length; depth > 0; depth--) {
		const folder = parts.slice(0, depth).join('/');
		const stat = await lstat(path.join(root, folder)).catch(() => null);
		if (stat?.isDirectory()) return folder;
	}
	return '';
}

/** The folders not under another one of the list ('' is the root, above every other). */
function outermost(folders: string[]): string[] {
	const sorted = [...new Set(folders)].sort();
	const kept: string[] = [];
	for (const folder of sorted) {
		const under = kept.some((top) => top === '' || folder.startsWith(`${top}/`));
		if (!under) kept.push(folder);
	}
	return kept;
}

/** What a server-folder walk knows of one folder under the root. */
interface KnownFolder {
	/** A dataset (with what was seen of it), or a folder of other folders. */
	dataset: ScannedDataset | null;
	children: string[];
	readAt: number;
}

/**
 * A server folder (a network share, where file-system events are unreliable and every folder
 * read is a round trip) is walked without a watcher, at a limited rate: it remembers the tree
 * and, each scan, reads again about SERVER_FOLDER_RATE folders a second since the last one:
 * datasets still being written, then the folder of the most recently changed dataset and its
 * datasets, then those read longest ago. New folders met are read at once, and a dataset found
 * new or changed makes its folder the next one read. A scan reports every dataset it knows and,
 * as `examined`, the folders it read: only what vanished from those is missing. The first scan
 * (after a restart too, and until one completes) reads everything.
 */
class ServerFolderWalk {
	readonly #known = new Map<string, KnownFolder>();
	#lastScan = 0;
	#hotParent: string | null = null;

	constructor(readonly root: string) {}

	async scan(signal: AbortSignal): Promise<ScanResult & { examined?: string[] }> {
		const skipped: SkippedEntry[] = [];
		const now = Date.now();
		const first = this.#lastScan === 0;
		let budget = Math.max(1, Math.floor(((now - this.#lastScan) / 1000) * SERVER_FOLDER_RATE));
		const examined = new Set<string>();
		// New folders are read at once, outside the budget: new data is what users wait for.
		const fresh: string[] = first ? [''] : [];
		// The folder of the last change goes first once; a new change there puts it first again.
		const due = first ? [] : this.#order(this.#hotParent);
		this.#hotParent = null;
		for (;;) {
			signal.throwIfAborted();
			let folder = fresh.pop();
			if (folder === undefined) {
				folder = budget > 0 ? due.shift() : undefined;
				if (folder === undefined) break;
				// Forgotten meanwhile: its parent no longer holds it.
				if (examined.has(folder) || !this.#known.has(folder)) continue;
				budget -= 1;
			}
			if (examined.has(folder)) continue;
			examined.add(folder);
			fresh.push(...(await this.#read(folder, skipped, signal)));
		}
		this.#lastScan = now;
		const datasets = [...this.#known.values()].flatMap((known) => known.dataset ?? []);
		return first ? { datasets, skipped } : { datasets, skipped, examined: [...examined] };
	}

	/** The known folders in the order they are read again. */
	#order(hot: string | null): string[] {
		const rank = (relative: string, known: KnownFolder) => {
			if (known.dataset?.live) return -3;
			if (relative === hot) return -2;
			if (known.dataset && parentOf(relative) === hot) return -1;
			return known.readAt;
		};
		return [...this.#known.entries()]
			.map(([relative, known]) => ({ relative, rank: rank(relative, known) }))
			.sort((a, b) => a.rank - b.rank)
			.map(({ relative }) => relative);
	}

	/**
	 * Reads one folder again: whether it is a dataset (described anew) and which folders it
	 * holds; what it no longer holds is forgotten. The folders it holds that are new.
	 */
	async #read(relative: string, skipped: SkippedEntry[], signal: AbortSignal): Promise<string[]> {
		const level = relative ? relative.split('/').length : 0;
		const entries = await readFolder(
			path.join(this.root, relative),
			relative,
			skipped,
			networkShareReads
		);
		const info = relative ? entries.find((entry) => entry.name === INFO_FILE) : undefined;
		const before = this.#known.get(relative);
		let dataset: ScannedDataset | null = null;
		const children: string[] = [];
		if (info?.isFile()) {
			dataset = await describeDataset(this.root, { relative, entries }, signal, networkShareReads);
			// New or changed (the first scan finds everything new: no folder is hotter then).
			if (this.#lastScan !== 0 && before?.dataset?.fingerprint !== dataset.fingerprint)
				this.#hotParent = parentOf(relative);
		} else {
			children.push(...subfoldersOf(relative, level, info, entries, skipped));
		}
		const kept = new Set(children);
		for (const child of before?.children ?? []) if (!kept.has(child)) this.#forget(child);
		this.#known.set(relative, { dataset, children, readAt: Date.now() });
		// Not read yet (new, or a scan stopped before it got there).
		return children.filter((child) => !this.#known.has(child));
	}

	#forget(relative: string): void {
		const known = this.#known.get(relative);
		this.#known.delete(relative);
		for (const child of known?.children ?? []) this.#forget(child);
	}
}

function parentOf(relative: string): string {
	return relative.slice(0, Math.max(0, relative.lastIndexOf('/')));
}

const serverFolderWalks = new Map<string, ServerFolderWalk>();

function serverFolderWalk(root: string): ServerFolderWalk {
	let walk = serverFolderWalks.get(root);
	if (!walk) serverFolderWalks.set(root, (walk = new ServerFolderWalk(root)));
	return walk;
}

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DatasetFile } from '../backends/types';
import { mapLimit } from '../files/map-limit';
import { copyRegularFile } from '../files/safe-files';
import { datasetFolder, storedFilePath } from '../files/store-layout';

/** One file as `dataset.json` lists it. */
export interface StoredFile {
	name: string;
	size: number;
	md5: string;
	version: number;
	/** For a converted file: the converter, and the md5 of the file it was made from. */
	converter?: string;
	source_md5?: string;
}

/** `<store>/<scope>/<dataset>/dataset.json`: the dataset as uploaded. */
export interface DatasetManifest {
	uuid: string;
	name: string;
	alt_uid: string | null;
	collected: string;
	description: string | null;
	tags: string[];
	attributes: Record<string, string | number | boolean>;
	scope: string;
	source: { id: number; name: string; backend: string };
	data_identifier: string;
	files: StoredFile[];
	synced_at: string;
	[extra: string]: unknown;
}

const FLUSH_CONCURRENCY = 8;

/** Renames `from` to `to`, making `to`'s folder first if it is not there (once per folder). */
async function moveInto(from: string, to: string): Promise<void> {
	try {
		await fsp.rename(from, to);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
		await fsp.mkdir(path.dirname(to), { recursive: true });
		await fsp.rename(from, to);
	}
}

export class StoreUnavailableError extends Error {
	override name = 'StoreUnavailableError';
}

/**
 * The local dataset store that stands in for qHarbor. A file is copied to a temporary name
 * while its md5 is computed, flushed, then renamed into place; `dataset.json` is written
 * last. So whatever is listed in a `dataset.json` is in the store, complete.
 */
export class DatasetStore {
	constructor(readonly root: string) {}

	/**
	 * Throws StoreUnavailableError when the store cannot be written (e.g. a lost network drive);
	 * makes the folder of partial copies.
	 */
	check(): void {
		try {
			fs.mkdirSync(this.partialDir, { recursive: true });
			const probe = path.join(this.root, `.probe-${process.pid}`);
			fs.writeFileSync(probe, '');
			fs.rmSync(probe);
		} catch (error) {
			throw new StoreUnavailableError(
				`Cannot write to the dataset store at ${this.root}: ${(error as Error).message}`
			);
		}
	}

	datasetDir(scope: string, dataset: string): string {
		return datasetFolder(this.root, scope, dataset);
	}

	async readManifest(scope: string, dataset: string): Promise<DatasetManifest | null> {
		try {
			return JSON.parse(
				await fsp.readFile(path.join(this.datasetDir(scope, dataset), 'dataset.json'), 'utf8')
			);
		} catch {
			return null;
		}
	}

	/** Where files are copied before they are renamed into place: one folder, emptied at start. */
	get partialDir(): string {
		return path.join(this.root, '.partials');
	}

	#partialsRemoved = false;

	/**
	 * Once per run, when the store is reachable: removes what interrupted uploads of an earlier
	 * run left (it crashed or was killed), partial copies that are never resumed.
	 */
	async removeLeftPartials(): Promise<void> {
		if (this.#partialsRemoved) return;
		await fsp.rm(this.partialDir, { recursive: true, force: true });
		await fsp.mkdir(this.partialDir);
		this.#partialsRemoved = true;
	}

	/** Removes a dataset's folder unless a `dataset.json` says it was completed once. */
	async removeUnfinished(scope: string, dataset: string): Promise<void> {
		const dir = this.datasetDir(scope, dataset);
		if (!fs.existsSync(path.join(dir, 'dataset.json'))) {
			await fsp.rm(dir, { recursive: true, force: true });
		}
	}

	/** Where a stored file of a dataset is. */
	filePath(scope: string, dataset: string, name: string): string {
		return storedFilePath(this.root, scope, dataset, name);
	}

	/** A new temporary file name among the partial copies; the caller removes or places it. */
	partialPath(): string {
		return path.join(this.partialDir, randomUUID());
	}

	/**
	 * Stores one file, read safely from inside `root` (see copyRegularFile). Unchanged content
	 * (same md5 as the stored version) is left alone; a changed file gets the next version and
	 * the previous one is kept as `<name>.v<N>`. With `durable` it is on disk when this returns;
	 * without, `flush` makes it so.
	 */
	async putFile(
		scope: string,
		dataset: string,
		file: DatasetFile,
		previous: StoredFile | undefined,
		options: { root?: string; signal: AbortSignal; durable: boolean; keepPrevious: boolean }
	): Promise<{ stored: StoredFile; mtimeMs: number }> {
		const partial = this.partialPath();
		try {
			const { md5, size, mtimeMs } = await copyRegularFile(file.path, partial, options);
			const stored = await this.place(
				scope,
				dataset,
				partial,
				{ name: file.name, md5, size },
				previous,
				options.keepPrevious
			);
			return { stored, mtimeMs };
		} catch (error) {
			await fsp.rm(partial, { force: true });
			throw error;
		}
	}

	/**
	 * Moves a complete file (a partial copy, a converter's output) into the dataset under `file`'s
	 * name, in one rename: the stored file is always whole. Versioned as putFile does, unchanged
	 * content keeping the stored version; without `keepPrevious` (the previous was a moment of
	 * a live dataset) a changed file replaces it under its version.
	 */
	async place(
		scope: string,
		dataset: string,
		partial: string,
		file: Omit<StoredFile, 'version'>,
		previous: StoredFile | undefined,
		keepPrevious = true
	): Promise<StoredFile> {
		const target = this.filePath(scope, dataset, file.name);
		const previousThere = previous !== undefined && fs.existsSync(target);
		if (previousThere && previous.md5 === file.md5) {
			await fsp.rm(partial, { force: true });
			return { ...previous, ...file, version: previous.version };
		}
		if (previousThere && !keepPrevious) {
			await fsp.rename(partial, target);
			return { ...file, version: previous.version };
		}
		if (previousThere) await fsp.rename(target, `${target}.v${previous.version}`);
		await moveInto(partial, target);
		return { ...file, version: (previous?.version ?? 0) + 1 };
	}

	/**
	 * Puts the files stored without `durable` on disk, all at once: one `syncfs` of the store's
	 * file system (`sync -f`, Linux), which costs what one file's flush does where a flush per
	 * file of a dataset of 100,000 files takes half a minute; elsewhere each file in turn.
	 */
	async flush(scope: string, dataset: string, names: string[]): Promise<void> {
		try {
			await promisify(execFile)('sync', ['-f', this.root]);
			return;
		} catch {
			// No `sync -f` here (macOS, Windows).
		}
		await mapLimit(names, FLUSH_CONCURRENCY, async (name) => {
			const handle = await fsp.open(this.filePath(scope, dataset, name), 'r');
			try {
				await handle.sync();
			} finally {
				await handle.close();
			}
		});
	}

	async writeManifest(manifest: DatasetManifest): Promise<void> {
		const dir = this.datasetDir(manifest.scope, manifest.uuid);
		// A dataset without files (metadata only) has no folder yet.
		await fsp.mkdir(dir, { recursive: true });
		const temporary = path.join(dir, `.dataset.json-${randomUUID()}`);
		const handle = await fsp.open(temporary, 'w');
		try {
			await handle.writeFile(JSON.stringify(manifest, null, 2));
			await handle.sync();
		} finally {
			await handle.close();
		}
		await fsp.rename(temporary, path.join(dir, 'dataset.json'));
	}
}

import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { DatasetFile } from '../backends/types';

/** One file as `dataset.json` lists it. */
export interface StoredFile {
	name: string;
	size: number;
	md5: string;
	version: number;
}

/** `<store>/<scope>/<dataset>/dataset.json`: the dataset as uploaded. */
export interface DatasetManifest {
	uuid: string;
	name: string;
	alt_uid: string | null;
	collected: string;
	description: string | null;
	tags: string[];
	attributes: Record<string, string>;
	scope: string;
	source: { id: number; name: string; backend: string };
	data_identifier: string;
	files: StoredFile[];
	synced_at: string;
	[extra: string]: unknown;
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

	/** Throws StoreUnavailableError when the store cannot be written (e.g. a lost network drive). */
	check(): void {
		try {
			fs.mkdirSync(this.root, { recursive: true });
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
		return path.join(this.root, scope, dataset);
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

	/**
	 * Stores one file. Unchanged content (same md5 as the stored version) is left alone; a
	 * changed file gets the next version and the previous one is kept as `<name>.v<N>`.
	 */
	async putFile(
		scope: string,
		dataset: string,
		file: DatasetFile,
		previous: StoredFile | undefined,
		signal: AbortSignal
	): Promise<StoredFile> {
		const target = path.join(this.datasetDir(scope, dataset), 'files', ...file.name.split('/'));
		await fsp.mkdir(path.dirname(target), { recursive: true });
		const partial = path.join(path.dirname(target), `.partial-${randomUUID()}`);
		try {
			const { md5, size } = await copyWithMd5(file.path, partial, signal);
			const targetExists = fs.existsSync(target);
			if (previous && previous.md5 === md5 && targetExists) {
				await fsp.rm(partial);
				return previous;
			}
			if (previous && targetExists) await fsp.rename(target, `${target}.v${previous.version}`);
			await fsp.rename(partial, target);
			return { name: file.name, size, md5, version: (previous?.version ?? 0) + 1 };
		} catch (error) {
			await fsp.rm(partial, { force: true });
			throw error;
		}
	}

	async writeManifest(manifest: DatasetManifest): Promise<void> {
		const dir = this.datasetDir(manifest.scope, manifest.uuid);
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

/** Copies a file while hashing it, flushing it to disk; stops between chunks when aborted. */
async function copyWithMd5(from: string, to: string, signal: AbortSignal) {
	const hash = createHash('md5');
	const input = await fsp.open(from, 'r');
	const output = await fsp.open(to, 'wx');
	const buffer = Buffer.allocUnsafe(1024 * 1024);
	let size = 0;
	try {
		for (;;) {
			signal.throwIfAborted();
			const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
			if (bytesRead === 0) break;
			const chunk = buffer.subarray(0, bytesRead);
			hash.update(chunk);
			await output.write(chunk);
			size += bytesRead;
		}
		await output.sync();
	} finally {
		await input.close();
		await output.close();
	}
	return { md5: hash.digest('hex'), size };
}

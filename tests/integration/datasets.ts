import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { tempDir as sharedTempDir } from '../helpers';

/** A temporary folder, removed when the test ends. */
export function tempDir(prefix = 'qh-data-'): string {
	return sharedTempDir(prefix, onTestFinished);
}

/** Writes a folder-base dataset: `_QH_dataset_info.yaml` plus the given files. */
export function writeDataset(
	root: string,
	relative: string,
	files: Record<string, string>,
	info = ''
): string {
	const dir = path.join(root, ...relative.split('/'));
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, '_QH_dataset_info.yaml'), info);
	for (const [name, content] of Object.entries(files)) {
		fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
		fs.writeFileSync(path.join(dir, name), content);
	}
	return dir;
}

export function md5(file: string): string {
	return createHash('md5').update(fs.readFileSync(file)).digest('hex');
}

/** A file of `bytes` zero bytes that takes no room on disk: quick to make, slow to copy. */
export function sparseFile(file: string, bytes: number): void {
	fs.writeFileSync(file, '');
	fs.truncateSync(file, bytes);
}

/** `dataset.json` of a dataset in the store, as far as the tests read it. */
export interface Manifest {
	uuid: string;
	name: string;
	alt_uid: string | null;
	collected: string;
	tags: string[];
	attributes: Record<string, string | number | boolean>;
	scope: string;
	data_identifier: string;
	files: { name: string; size: number; md5: string; version: number }[];
	variables?: { name: string; long_name: string | null; uncertainty_of: string | null }[];
	/** Quantify: the data file the dataset has, or null for one of auxiliary files only. */
	data_file?: string | null;
	/** Whether the dataset was still being measured, and how much of it was, when stored. */
	live?: boolean;
	live_fill?: number;
}

export function manifestOf(store: string, scope: string, datasetUuid: string): Manifest {
	return JSON.parse(fs.readFileSync(path.join(store, scope, datasetUuid, 'dataset.json'), 'utf8'));
}

/** The shared Quantify fixtures, copied so a test may change them. */
export function quantifyCopy(): string {
	const dir = tempDir('qh-quantify-');
	fs.cpSync(path.resolve(import.meta.dirname, '../fixtures/quantify'), dir, { recursive: true });
	return dir;
}

/** The copies the agent has under way in a store: files it has not finished copying. */
export function partialCopies(storeDir: string): string[] {
	try {
		return fs.readdirSync(path.join(storeDir, '.partials'));
	} catch {
		return [];
	}
}

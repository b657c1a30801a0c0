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

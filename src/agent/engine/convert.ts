import fs from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SyncFile } from '../../lib/contract';
import type { Conversion } from '../backends/types';
import { findConverter } from '../converters/catalog';
import type { DatasetStore, StoredFile } from './store';
import { describeError } from './sync-record';

/** A file of this sync as stored, with the modification time it had when copied. */
export interface CopiedFile {
	stored: StoredFile;
	mtimeMs: number;
}

export interface ConversionOutcome {
	stored: StoredFile | null;
	row: SyncFile;
}

/**
 * Runs the dataset's conversions on the store's copies of their inputs (never the user's
 * files again: what was converted is what was uploaded). A conversion whose input is unchanged
 * since its last run keeps its stored result, so it gets a new version only when its source
 * did. Each failure is that file's alone: it is returned as an ERROR row.
 */
export async function runConversions(
	store: DatasetStore,
	target: { scope: string; dataset: string },
	conversions: Conversion[],
	/** Every file of the dataset, uploaded or not: a conversion never replaces one. */
	fileNames: string[],
	copied: Map<string, CopiedFile>,
	previous: Map<string, StoredFile>,
	signal: AbortSignal
): Promise<ConversionOutcome[]> {
	const taken = new Set(fileNames);
	const outcomes: ConversionOutcome[] = [];
	for (const conversion of conversions) {
		signal.throwIfAborted();
		const failed = (message: string): ConversionOutcome => ({
			stored: null,
			row: {
				name: conversion.output,
				status: 'ERROR',
				size: null,
				md5: null,
				m_time: null,
				converter: conversion.converter,
				error: message
			}
		});
		const converter = findConverter(conversion.converter);
		const input = copied.get(conversion.input);
		if (!converter?.convert) {
			outcomes.push(
				failed(
					`Converter ${conversion.converter} is not installed in this sync agent: ${conversion.input} was uploaded unconverted`
				)
			);
		} else if (taken.has(conversion.output)) {
			outcomes.push(
				failed(
					`${conversion.input} is not converted: ${conversion.output} is already a file of the dataset`
				)
			);
		} else if (!input) {
			outcomes.push(failed(`${conversion.input} is not converted: it was not uploaded`));
		} else {
			taken.add(conversion.output);
			try {
				const stored = await convertOne(store, target, conversion, input, previous, converter);
				outcomes.push({
					stored,
					row: {
						name: stored.name,
						status: 'OK',
						size: stored.size,
						md5: stored.md5,
						m_time: new Date(input.mtimeMs).toISOString(),
						converter: conversion.converter,
						error: null
					}
				});
			} catch (error) {
				outcomes.push(failed(describeError(error).message));
			}
		}
	}
	return outcomes;
}

async function convertOne(
	store: DatasetStore,
	{ scope, dataset }: { scope: string; dataset: string },
	conversion: Conversion,
	input: CopiedFile,
	previous: Map<string, StoredFile>,
	converter: NonNullable<ReturnType<typeof findConverter>>
): Promise<StoredFile> {
	const before = previous.get(conversion.output);
	if (
		before?.source_md5 === input.stored.md5 &&
		before.converter === conversion.converter &&
		(await exists(store.filePath(scope, dataset, conversion.output)))
	) {
		return before;
	}
	const partial = store.partialPath();
	try {
		await converter.convert!(store.filePath(scope, dataset, conversion.input), partial, {
			sourceFile: conversion.input
		});
		const { md5, size } = await md5Of(partial);
		return await store.place(
			scope,
			dataset,
			partial,
			{
				name: conversion.output,
				md5,
				size,
				converter: conversion.converter,
				source_md5: input.stored.md5
			},
			before
		);
	} catch (error) {
		// Placed or found unchanged, `place` has moved or removed it.
		await fs.rm(partial, { force: true });
		throw error;
	}
}

async function exists(file: string): Promise<boolean> {
	return fs.access(file).then(
		() => true,
		() => false
	);
}

async function md5Of(file: string): Promise<{ md5: string; size: number }> {
	const hash = createHash('md5');
	let size = 0;
	for await (const chunk of createReadStream(file)) {
		hash.update(chunk as Buffer);
		size += (chunk as Buffer).length;
	}
	return { md5: hash.digest('hex'), size };
}

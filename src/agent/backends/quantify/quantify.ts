import fs from 'node:fs/promises';
import path from 'node:path';
import {
	TryLaterError,
	type BackendImplementation,
	type ConfigData,
	type DatasetContent,
	type ScannedDataset
} from '../types';
import {
	copyRegularFile,
	listFiles,
	openRegularFile,
	readFolder,
	type FoundFile,
	type SkippedEntry
} from '../../files/safe-files';
import { mapLimit } from '../../files/map-limit';
import { temporaryFolder } from '../../files/temporary-folder';
import { fingerprintOf } from '../files';
import { readQuantifyDataset, type QuantifyDatasetInfo } from './read-dataset';
import { datasetFolderName, tuidTime } from './tuid';

const DAY = /^\d{8}$/;
const DATA_FILE = 'dataset.hdf5';
/** A data file that cannot be read and was written this recently is caught mid-rewrite. */
const REWRITE_MS = 10_000;

function directoryOf(config: ConfigData): string {
	return String(config.quantify_directory);
}

const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** What the last live check of a source's newest data file found, by the source's folder. */
const liveChecks = new Map<
	string,
	{ path: string; mtimeMs: number; size: number; live: boolean; cursors: Record<string, number> }
>();

/**
 * Whether the newest dataset's data file, written lately, still holds NaN (is being measured).
 * Read in place, not copied, and only what changed since the last check: nothing while its
 * size and time stay, else the values from the last NaN cursor on; so a check costs what was
 * measured since, not the file's size. A file that changed while it was read, or that cannot be
 * read, is being written: still live.
 */
async function stillMeasuring(root: string, data: FoundFile): Promise<boolean> {
	const last = liveChecks.get(root);
	const same = last?.path === data.path;
	if (same && last.mtimeMs === data.mtimeMs && last.size === data.size) return last.live;
	let opened: Awaited<ReturnType<typeof openRegularFile>>;
	try {
		opened = await openRegularFile(data.path, root);
	} catch {
		return true;
	}
	try {
		const info = await readQuantifyDataset(data.path, { from: same ? last.cursors : {} });
		const { stat } = opened;
		const after = await fs.stat(data.path);
		if (after.ino !== stat.ino || after.mtimeMs !== stat.mtimeMs || after.size !== stat.size)
			return true;
		const live = info.filled < 1;
		liveChecks.set(root, {
			path: data.path,
			mtimeMs: stat.mtimeMs,
			size: stat.size,
			live,
			cursors: info.cursors
		});
		return live;
	} catch {
		return true;
	} finally {
		await opened.handle.close();
	}
}

/**
 * Reads a copy of the data file: Quantify rewrites it in place while measuring, and a copy
 * cannot change under the reader. The copy is what gets uploaded: the file as it was read.
 * The caller removes `folder`.
 */
async function readSnapshot(
	file: string,
	root: string,
	folder: string
): Promise<{ copy: string; info: QuantifyDatasetInfo }> {
	const copy = path.join(folder, DATA_FILE);
	await copyRegularFile(file, copy, { root });
	// Its errors name the user's file: the copy is ours.
	return { copy, info: await readQuantifyDataset(copy, { shownAs: file }) };
}

/**
 * Quantify: datasets are `YYYYMMDD/<TUID><name>` folders (see tuid.ts). The newest one is live
 * while its data file was written lately (two minutes by default) and still holds NaN; it is
 * replicated as it fills (see `liveFile`), and synced whole once complete. A folder without a
 * data file is synced with the files it has.
 */
export const quantify: BackendImplementation = {
	followsLive: true,

	liveFile: (config, dataIdentifier) => path.join(directoryOf(config), dataIdentifier, DATA_FILE),

	async scan(config, signal, { liveIdleMs }) {
		const root = directoryOf(config);
		const skipped: SkippedEntry[] = [];
		const days = (await fs.readdir(root, { withFileTypes: true }))
			.filter((entry) => entry.isDirectory() && DAY.test(entry.name))
			.map((entry) => entry.name);
		const identifiers = (
			await mapLimit(days, 8, async (day) =>
				(await readFolder(path.join(root, day), day, skipped)).flatMap((entry) => {
					if (!entry.isDirectory()) return [];
					const folder = datasetFolderName(day, entry.name);
					const name = `${day}/${entry.name}`;
					// A misnamed measurement is said once (a warning per name), never passed over.
					if (folder && 'invalid' in folder)
						skipped.push({ name, reason: 'invalid TUID', detail: folder.invalid });
					return folder && 'tuid' in folder ? [name] : [];
				})
			)
		).flat();
		// TUIDs sort by time, so the last one is the newest measurement.
		identifiers.sort();
		const newest = identifiers.at(-1);
		const datasets = await mapLimit(identifiers, 16, async (dataIdentifier) => {
			signal.throwIfAborted();
			const { files } = await listFiles(path.join(root, dataIdentifier), { signal });
			const data = files.find((file) => file.name === DATA_FILE);
			const live =
				dataIdentifier === newest &&
				data !== undefined &&
				Date.now() - data.mtimeMs < liveIdleMs &&
				(await stillMeasuring(root, data));
			return {
				dataIdentifier,
				scopeIdentifier: null,
				fingerprint: fingerprintOf(files),
				live
			} satisfies ScannedDataset;
		});
		return { datasets, skipped };
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const root = directoryOf(config);
		const folder = path.join(root, dataIdentifier);
		const [day = '', base = ''] = dataIdentifier.split('/');
		const named = datasetFolderName(day, base);
		if (!named || 'invalid' in named)
			throw new Error(
				`${folder} is not a Quantify dataset folder (YYYYMMDD/<TUID> <name>)${named ? `: ${named.invalid}` : ''}`
			);
		const { files, skipped } = await listFiles(folder);
		const data = files.find((file) => file.name === DATA_FILE);
		const common = {
			name: named.name || named.tuid,
			altUid: named.tuid,
			collected: tuidTime(named.tuid),
			description: null,
			attributes: { 'set-up': String(config.set_up) },
			conversions: [],
			skipped,
			recorded: null
		};
		// Snapshot and analysis results without data (an analysis, an aborted run): a dataset of
		// those files, said to have no data file; not a failure.
		if (!data)
			return {
				...common,
				tags: [],
				files: files.map((file) => ({ name: file.name, path: file.path })),
				parameters: [],
				notes: [`No ${DATA_FILE} in ${folder}: synced with its other files only`],
				extra: { data_file: null, format: null, variables: [] }
			};
		const { folder: temporary, dispose } = await temporaryFolder('qh-quantify-');
		let snapshot;
		try {
			snapshot = await readSnapshot(data.path, root, temporary);
		} catch (error) {
			await dispose();
			// Caught mid-rewrite (Quantify truncates and writes it again): read it again shortly.
			if (Date.now() - data.mtimeMs < REWRITE_MS) {
				throw new TryLaterError(`${data.path} is being written (${(error as Error).message})`);
			}
			throw error;
		}
		const { copy, info } = snapshot;
		const live = info.filled < 1;
		return {
			...common,
			tags: [...new Set(info.variables.map((v) => v.long_name || v.name))],
			// The data file as it was read, not as it is now.
			files: files.map((file) =>
				file === data
					? { name: file.name, path: copy, made: true }
					: { name: file.name, path: file.path }
			),
			// Coordinates first, as the other backends list them.
			parameters: [...info.variables]
				.sort((a, b) => Number(b.role === 'coordinate') - Number(a.role === 'coordinate'))
				.map(({ name, long_name, units, dims, shape }) => ({
					name,
					long_name,
					units,
					dims,
					shape
				})),
			notes: live
				? [`Measured ${percent(info.filled)} so far: the rest is NaN until Quantify fills it`]
				: [],
			extra: { data_file: DATA_FILE, format: info.format, variables: info.variables },
			...(live ? { liveFill: info.filled } : {}),
			dispose
		};
	}
};

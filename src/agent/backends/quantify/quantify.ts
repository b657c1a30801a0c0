import fs from 'node:fs/promises';
import path from 'node:path';
import {
	TryLaterError,
	type BackendImplementation,
	type ConfigData,
	type DatasetContent,
	type ScannedDataset
} from '../types';
import { copyRegularFile, listFiles, readFolder, type SkippedEntry } from '../../files/safe-files';
import { mapLimit } from '../../files/map-limit';
import { temporaryFolder, withTemporaryFolder } from '../../files/temporary-folder';
import { fingerprintOf } from '../files';
import { readQuantifyDataset, type QuantifyDatasetInfo } from './read-dataset';

const DAY = /^\d{8}$/;
/** `<TUID>-<name>`, TUID = `YYYYMMDD-HHMMSS-fff-xxxxxx`. */
const DATASET = /^(\d{8})-(\d{6})-(\d{3})-([0-9a-f]{6})-(.+)$/;
const DATA_FILE = 'dataset.hdf5';
/** A data file that cannot be read and was written this recently is caught mid-rewrite. */
const REWRITE_MS = 10_000;

function directoryOf(config: ConfigData): string {
	return String(config.quantify_directory);
}

/** The TUID's time: when the measurement started, in the lab PC's local time. */
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

export function tuidTime(tuid: string): string {
	const [, d, t, ms] = /^(\d{8})-(\d{6})-(\d{3})/.exec(tuid) ?? [];
	if (!d || !t || !ms) throw new Error(`Not a TUID: ${tuid}`);
	const n = (s: string, from: number, to: number) => Number(s.slice(from, to));
	const time = new Date(
		n(d, 0, 4),
		n(d, 4, 6) - 1,
		n(d, 6, 8),
		n(t, 0, 2),
		n(t, 2, 4),
		n(t, 4, 6),
		Number(ms)
	);
	return time.toISOString();
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
	return { copy, info: await readQuantifyDataset(copy) };
}

/**
 * Quantify: datasets are `YYYYMMDD/<TUID>-<name>` folders. The newest one is live while its
 * data file was written lately (two minutes by default) and still holds NaN; it is replicated
 * as it fills (see `liveFile`), and synced whole once complete.
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
				(await readFolder(path.join(root, day), day, skipped))
					.filter((entry) => entry.isDirectory() && DATASET.test(entry.name))
					.map((entry) => `${day}/${entry.name}`)
			)
		).flat();
		// TUIDs sort by time, so the last one is the newest measurement.
		identifiers.sort();
		const newest = identifiers.at(-1);
		const datasets = await mapLimit(identifiers, 16, async (dataIdentifier) => {
			signal.throwIfAborted();
			const { files } = await listFiles(path.join(root, dataIdentifier), { signal });
			let live = false;
			const data = files.find((file) => file.name === DATA_FILE);
			if (dataIdentifier === newest && data && Date.now() - data.mtimeMs < liveIdleMs) {
				live = await withTemporaryFolder('qh-quantify-', (folder) =>
					readSnapshot(data.path, root, folder)
				).then(
					({ info }) => info.filled < 1,
					() => true // half-written: not readable yet, so certainly not complete
				);
			}
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
		const folder = path.join(directoryOf(config), dataIdentifier);
		const match = DATASET.exec(path.basename(folder));
		if (!match)
			throw new Error(`${dataIdentifier} is not a Quantify dataset folder (<TUID>-<name>)`);
		const tuid = path.basename(folder).slice(0, 26);
		const { files, skipped } = await listFiles(folder);
		const data = files.find((file) => file.name === DATA_FILE);
		if (!data) throw new Error(`${dataIdentifier} has no ${DATA_FILE}`);
		const { folder: temporary, dispose } = await temporaryFolder('qh-quantify-');
		let snapshot;
		try {
			snapshot = await readSnapshot(data.path, directoryOf(config), temporary);
		} catch (error) {
			await dispose();
			// Caught mid-rewrite (Quantify truncates and writes it again): read it again shortly.
			if (Date.now() - data.mtimeMs < REWRITE_MS) {
				throw new TryLaterError(
					`${dataIdentifier}/${DATA_FILE} is being written (${(error as Error).message})`
				);
			}
			throw error;
		}
		const { copy, info } = snapshot;
		const tags = [...new Set(info.variables.map((v) => v.long_name || v.name))];
		const live = info.filled < 1;
		return {
			name: match[5]!,
			altUid: tuid,
			collected: tuidTime(tuid),
			description: null,
			tags,
			attributes: { 'set-up': String(config.set_up) },
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
			conversions: [],
			skipped,
			notes: live
				? [`Measured ${percent(info.filled)} so far: the rest is NaN until Quantify fills it`]
				: [],
			recorded: null,
			extra: { format: info.format, variables: info.variables },
			...(live ? { liveFill: info.filled } : {}),
			dispose
		};
	}
};

import fsp from 'node:fs/promises';
import path from 'node:path';
import { copyRegularFile, listFiles, readFolder, type SkippedEntry } from '../../files/safe-files';
import { mapLimit } from '../../files/map-limit';
import { temporaryFolder, withTemporaryFolder } from '../../files/temporary-folder';
import { writeXarrayHdf5 } from '../../files/xarray-hdf5';
import { fingerprintOf } from '../files';
import type {
	BackendImplementation,
	ConfigData,
	DatasetContent,
	DatasetFile,
	ScannedDataset
} from '../types';
import { labberLogsCompleted, readLabberFile } from './read-log';

/** A log not completed that was written in this window is still being measured. */
export const LIVE_WINDOW_MS = 2 * 60_000;

const YEAR = /^\d{4}$/;
const MONTH = /^(0[1-9]|1[0-2])$/;
const DAY = /^Data_\d{4}$/;

function directoryOf(config: ConfigData): string {
	return String(config.labber_directory);
}

/**
 * Reads a copy of the log with `read`: Labber writes into the file while it measures, and a
 * copy cannot change under the reader. Errors name the user's file, never the copy.
 */
async function readSnapshot<T>(
	root: string,
	dataIdentifier: string,
	folder: string,
	read: (copy: string) => Promise<T>
): Promise<T> {
	const copy = path.join(folder, 'log.hdf5');
	await copyRegularFile(path.join(root, dataIdentifier), copy, { root });
	try {
		return await read(copy);
	} catch (error) {
		throw new Error(`${dataIdentifier} cannot be read: ${(error as Error).message}`);
	}
}

/** `creation_time` as Python prints a float: `1501560000.0`, `1501560000.25`. */
function pythonFloat(value: number): string {
	return Number.isInteger(value) ? `${value}.0` : String(value);
}

/**
 * Labber: every `<name>.hdf5` under `YYYY/MM/Data_MMDD/` is a dataset, its path the data
 * identifier. A log not completed and written in the last two minutes is live.
 */
export const labber: BackendImplementation = {
	async scan(config, signal) {
		const root = directoryOf(config);
		const skipped: SkippedEntry[] = [];
		const folders = async (relative: string, pattern: RegExp) =>
			(await readFolder(path.join(root, relative), relative, skipped))
				.filter((entry) => entry.isDirectory() && pattern.test(entry.name))
				.map((entry) => (relative ? `${relative}/${entry.name}` : entry.name));
		const years = await folders('', YEAR);
		const months = (await mapLimit(years, 8, (year) => folders(year, MONTH))).flat();
		const days = (await mapLimit(months, 8, (month) => folders(month, DAY))).flat();
		const files = (
			await mapLimit(days, 8, async (day) => {
				signal.throwIfAborted();
				const listing = await listFiles(path.join(root, day), { signal });
				skipped.push(
					...listing.skipped.map((entry) => ({ ...entry, name: `${day}/${entry.name}` }))
				);
				return listing.files
					.filter((file) => !file.name.includes('/') && file.name.endsWith('.hdf5'))
					.map((file) => ({ ...file, name: `${day}/${file.name}` }));
			})
		).flat();
		const datasets = await mapLimit(files, 4, async (file) => {
			signal.throwIfAborted();
			let live = false;
			if (Date.now() - file.mtimeMs < LIVE_WINDOW_MS) {
				live = await withTemporaryFolder('qh-labber-', (folder) =>
					readSnapshot(root, file.name, folder, labberLogsCompleted)
				).then(
					(completed) => !completed,
					() => true // half-written: not readable yet, so certainly not complete
				);
			}
			return {
				dataIdentifier: file.name,
				scopeIdentifier: null,
				fingerprint: fingerprintOf([file]),
				live
			} satisfies ScannedDataset;
		});
		return { datasets, skipped };
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const root = directoryOf(config);
		const original = path.join(root, dataIdentifier);
		const { folder, dispose } = await temporaryFolder('qh-labber-');
		try {
			const { mtimeMs } = await fsp.stat(original);
			const log = await readSnapshot(root, dataIdentifier, folder, readLabberFile);
			const files: DatasetFile[] = [{ name: path.basename(dataIdentifier), path: original }];
			const write = async (name: string, text: string) => {
				await fsp.writeFile(path.join(folder, name), text);
				files.push({ name, path: path.join(folder, name), made: true });
			};
			await write('settings.json', JSON.stringify(log.settings, null, 2));
			await write('instruments.json', JSON.stringify(log.instruments, null, 2));
			const notes: string[] = [];
			for (const entry of log.logs) {
				const name = entry.group ? `measured_data_${entry.group}.hdf5` : 'measured_data.hdf5';
				await writeXarrayHdf5(path.join(folder, name), {
					attributes: {
						log_name: log.logName,
						creation_time: log.creationTime,
						comment: log.comment,
						labber_version: log.version,
						...(entry.group ? { log: entry.group } : {})
					},
					dimensions: entry.dimensions,
					variables: entry.variables
				});
				files.push({ name, path: path.join(folder, name), made: true });
				notes.push(...entry.notes);
				if (!entry.completed) {
					notes.push(
						Date.now() - mtimeMs >= LIVE_WINDOW_MS
							? `${entry.group || 'The log'} never completed (aborted, or Labber stopped): not written for ${LIVE_WINDOW_MS / 60_000} minutes, synced as it is`
							: `${entry.group || 'The log'} is still being measured`
					);
				}
			}
			const [main] = log.logs;
			const channelNames = (main?.parameters ?? []).map(
				(parameter) => parameter.long_name ?? parameter.name
			);
			return {
				name: log.logName,
				altUid: `${log.logName}_${pythonFloat(log.creationTime)}`,
				collected: new Date(log.creationTime * 1000).toISOString(),
				description: log.comment || null,
				tags: [...new Set([...log.tags, ...channelNames])],
				attributes: {
					'set-up': String(config.set_up),
					...(log.project.length ? { project: log.project.join(', ') } : {}),
					...(log.user.length ? { user: log.user.join(', ') } : {})
				},
				files,
				parameters: main?.parameters ?? [],
				conversions: [],
				skipped: [],
				notes,
				recorded: null,
				extra: { format: 'labber', ...(log.star ? { ranking: 1 } : {}) },
				dispose
			};
		} catch (error) {
			await dispose();
			throw error;
		}
	}
};

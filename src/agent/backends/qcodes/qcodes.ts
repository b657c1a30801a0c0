import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { temporaryFolder } from '../../files/temporary-folder';
import { writeXarrayHdf5, type Attributes } from '../../files/xarray-hdf5';
import type { BackendImplementation, ConfigData, DatasetContent, ScannedDataset } from '../types';
import {
	paramsFromDescription,
	paramsFromLayouts,
	quoted,
	runColumns,
	tableExists,
	withQcodesDatabase,
	type QcodesDb
} from './database';
import { changedRowsQuery, rememberScan, type TableMemory } from '../table-scan';
import { readRunData } from './run-data';

/** A run not completed that gains no results for this long was abandoned: synced as it is. */
export const ABANDONED_MS = 10 * 60_000;
const DATA_FILE = 'measured_data.hdf5';

interface IncompleteRun {
	/** Its results table's last row id when last looked at. */
	lastRow: number | null;
	/** When that last changed, or (first seen) when the database was last written. */
	changedAt: number;
}

/** What the last scans of each database found, so that the next asks only for what is new. */
const memories = new Map<string, TableMemory<IncompleteRun>>();

function databaseOf(config: ConfigData): string {
	return String(config.database_path);
}

/** When the database (or its write-ahead log) was last written. */
function lastWritten(file: string, stat: fs.Stats): number {
	const wal = fs.statSync(`${file}-wal`, { throwIfNoEntry: false });
	return Math.max(stat.mtimeMs, wal?.mtimeMs ?? 0);
}

interface RunRow {
	run_id: number;
	is_completed: number | null;
	completed_timestamp: number | null;
	name: string | null;
	result_table_name: string;
	exp_name: string | null;
	[metadata: string]: unknown;
}

/**
 * QCoDeS: every run of the database is a dataset, its run id the data identifier. A run not
 * completed is live (synced as it grows) until it completes or gains nothing for ten minutes.
 */
export const qcodes: BackendImplementation = {
	followsLive: true,

	async scan(config) {
		const file = databaseOf(config);
		const datasets = withQcodesDatabase(file, (db, stat) => {
			const identity = `${stat.dev}:${stat.ino}`;
			const written = lastWritten(file, stat);
			const { runs, last } = db
				.prepare('SELECT count(*) AS runs, max(run_id) AS last FROM runs')
				.get() as { runs: number; last: number | null };
			const { own, metadata } = runColumns(db);
			const select = `SELECT r.run_id, r.is_completed, r.completed_timestamp, r.name, r.result_table_name,
				${own.has('guid') ? 'r.guid' : 'NULL AS guid'}, e.name AS exp_name
				${metadata.map((column) => `, r.${quoted(column)}`).join('')}
				FROM runs r LEFT JOIN experiments e ON e.exp_id = r.exp_id`;
			const before = memories.get(file);
			const changed = changedRowsQuery(before, identity);
			const scan = (rows: RunRow[], changedOnly: boolean) =>
				rememberScan(
					before,
					identity,
					{ rows, changedOnly, idOf: (row) => row.run_id },
					{ rows: runs, lastId: last },
					(row, previous) => scannedRun(db, row, metadata, previous, written)
				);
			let memory = changed
				? scan(
						db
							.prepare(
								`${select} WHERE r.run_id > ? OR r.run_id IN (${changed.ids.map(() => '?')})`
							)
							.all(changed.after, ...changed.ids) as RunRow[],
						true
					)
				: null;
			memory ??= scan(db.prepare(select).all() as RunRow[], false)!;
			memories.set(file, memory);
			return [...memory.datasets.values()];
		});
		return { datasets, skipped: [] };
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const file = databaseOf(config);
		const runId = Number(dataIdentifier);
		if (!Number.isSafeInteger(runId) || runId < 1) {
			throw new Error(`${dataIdentifier} is not a QCoDeS run id`);
		}
		const run = withQcodesDatabase(file, (db) => readRun(db, file, runId));
		const { folder, dispose } = await temporaryFolder('qh-qcodes-');
		try {
			const dataFile = path.join(folder, DATA_FILE);
			await writeXarrayHdf5(dataFile, { ...run.data.dataset, attributes: run.fileAttributes });
			const files = [{ name: DATA_FILE, path: dataFile, made: true }];
			if (run.snapshot) {
				const snapshotFile = path.join(folder, 'snapshot.json');
				await fsp.writeFile(snapshotFile, run.snapshot);
				files.push({ name: 'snapshot.json', path: snapshotFile, made: true });
			}
			const state = memories.get(file)?.incomplete.get(runId);
			const abandoned = state !== undefined && Date.now() - state.changedAt >= ABANDONED_MS;
			const notes = [...run.notes, ...run.data.notes];
			if (!run.completed) {
				notes.push(
					abandoned
						? `Run ${runId} never completed: no new results for ${ABANDONED_MS / 60_000} minutes, so it is synced as it is (${run.data.points} points)`
						: `Run ${runId} is still running: synced as far as it is measured (${run.data.points} points), again as it grows and once it completes`
				);
			}
			return {
				name: run.name,
				altUid: run.guid,
				collected: run.collected,
				description: `database : ${file} | run ID : ${runId} | GUID : ${run.guid ?? 'none'} | exp name : ${run.experiment ?? 'none'}`,
				tags: [
					...new Set(run.data.parameters.map((parameter) => parameter.long_name || parameter.name))
				],
				attributes: run.attributes(String(config.set_up)),
				files,
				parameters: run.data.parameters,
				conversions: [],
				skipped: [],
				notes,
				recorded: null,
				extra: {
					format: 'qcodes',
					run_id: runId,
					...(run.ranking !== 0 ? { ranking: run.ranking } : {}),
					variables: run.data.parameters
				},
				dispose
			};
		} catch (error) {
			await dispose();
			throw error;
		}
	}
};

/** One run as the scan reports it; its fingerprint changes when anything synced would. */
function scannedRun(
	db: QcodesDb,
	row: RunRow,
	metadata: string[],
	previous: IncompleteRun | undefined,
	written: number
): { dataset: ScannedDataset; state: IncompleteRun | null } {
	let state: IncompleteRun | null = null;
	const now = Date.now();
	if (!row.is_completed) {
		const lastRow = tableExists(db, row.result_table_name)
			? ((
					db.prepare(`SELECT max(id) AS id FROM ${quoted(row.result_table_name)}`).get() as {
						id: number | null;
					}
				).id ?? null)
			: null;
		state = {
			lastRow,
			changedAt:
				previous && previous.lastRow === lastRow
					? previous.changedAt
					: previous
						? now
						: Math.min(now, written)
		};
	}
	const abandoned = state !== null && now - state.changedAt >= ABANDONED_MS;
	const fingerprint = createHash('md5')
		.update(
			JSON.stringify([
				row.is_completed,
				row.completed_timestamp,
				row.name,
				row.guid,
				row.exp_name,
				metadata.map((column) => row[column] ?? null),
				state?.lastRow ?? null,
				abandoned
			])
		)
		.digest('hex');
	const dataset = {
		dataIdentifier: String(row.run_id),
		scopeIdentifier: row.exp_name,
		fingerprint,
		live: state !== null && !abandoned
	};
	return { dataset, state };
}

/** Everything a sync takes from one run, read in one transaction. */
function readRun(db: QcodesDb, file: string, runId: number) {
	const row = db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as
		Record<string, unknown> | undefined;
	if (!row) throw new Error(`Run ${runId} is no longer in ${file}`);
	const experiment = db
		.prepare('SELECT name, sample_name FROM experiments WHERE exp_id = ?')
		.get(row.exp_id) as { name: string | null; sample_name: string | null } | undefined;
	const { metadata } = runColumns(db);
	const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
	const notes: string[] = [];
	let params;
	try {
		params =
			text(row.run_description) !== null
				? paramsFromDescription(String(row.run_description))
				: paramsFromLayouts(db, runId);
	} catch (error) {
		throw new Error(
			`Run ${runId}: its run description cannot be read (${(error as Error).message})`
		);
	}
	if (text(row.run_description) === null) {
		notes.push('No run description (an older QCoDeS database): parameters read from its layouts');
	}
	const table = String(row.result_table_name);
	if (!tableExists(db, table)) {
		throw new Error(`Run ${runId}: its results table "${table}" is not in ${file}`);
	}
	let data;
	try {
		data = readRunData(db, table, params);
	} catch (error) {
		throw new Error(`Run ${runId}, table "${table}": ${(error as Error).message}`);
	}
	const runTimestamp = typeof row.run_timestamp === 'number' ? row.run_timestamp : null;
	const completedTimestamp =
		typeof row.completed_timestamp === 'number' ? row.completed_timestamp : null;
	const stamp = runTimestamp ?? completedTimestamp;
	if (stamp === null) throw new Error(`Run ${runId} has no run_timestamp`);
	const guid = text(row.guid);
	const userMetadata: Attributes = {};
	for (const column of metadata) {
		const value = row[column];
		if (typeof value === 'string' || typeof value === 'number') userMetadata[column] = value;
		else if (typeof value === 'bigint') userMetadata[column] = Number(value);
	}
	const tag = String(row.inspectr_tag ?? '').toLowerCase();
	const fileAttributes: Attributes = {
		database: file,
		run_id: runId,
		ds_name: String(row.name ?? ''),
		run_timestamp: isoSeconds(runTimestamp),
		run_timestamp_raw: runTimestamp ?? NaN,
		completed_timestamp: isoSeconds(completedTimestamp),
		completed_timestamp_raw: completedTimestamp ?? NaN,
		...definedOnly({
			guid,
			captured_run_id: row.captured_run_id,
			captured_counter: row.captured_counter,
			exp_name: experiment?.name,
			sample_name: experiment?.sample_name,
			run_description: text(row.run_description),
			parent_dataset_links: text(row.parent_datasets)
		}),
		...userMetadata
	};
	return {
		name:
			String(row.name ?? '')
				.split(/\r?\n/)[0]!
				.trim() || `run ${runId}`,
		guid,
		completed: Boolean(row.is_completed),
		collected: new Date(stamp * 1000).toISOString(),
		experiment: experiment?.name ?? null,
		ranking: tag === 'star' ? 1 : tag === 'cross' ? -1 : 0,
		snapshot: text(row.snapshot),
		notes,
		data,
		fileAttributes,
		attributes: (setUp: string) => ({
			...(experiment?.sample_name ? { sample: experiment.sample_name } : {}),
			'set-up': setUp,
			...userMetadata
		})
	};
}

function definedOnly(values: Record<string, unknown>): Attributes {
	const out: Attributes = {};
	for (const [key, value] of Object.entries(values)) {
		if (typeof value === 'string' || typeof value === 'number') out[key] = value;
		else if (typeof value === 'bigint') out[key] = Number(value);
	}
	return out;
}

/** Epoch seconds as QCoDeS prints them (`YYYY-MM-DD HH:MM:SS`, UTC here); '' for none. */
function isoSeconds(seconds: number | null): string {
	return seconds === null
		? ''
		: new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { temporaryFolder } from '../../files/temporary-folder';
import { writeXarrayHdf5, type Attributes } from '../../files/xarray-hdf5';
import type { BackendImplementation, ConfigData, DatasetContent, ScannedDataset } from '../types';
import { changedRowsQuery, rememberScan, type TableMemory } from '../table-scan';
import { coretoolsProblem, serverOf, withCoretools } from './connection';
import {
	hasTable,
	readMeasurementData,
	readMeasurementRow,
	type MeasurementRow
} from './measurement';

/** A measurement not completed that gains no values for this long was abandoned: synced as it is. */
export const ABANDONED_MS = 10 * 60_000;
const DATA_FILE = 'measured_data.hdf5';

interface Incomplete {
	/** Values written so far (the sum of its write cursors) when last looked at. */
	written: number;
	changedAt: number;
}

/** What the last scans of each database found, so that the next asks only for what is new. */
const memories = new Map<string, TableMemory<Incomplete>>();

function memoryKey(config: ConfigData): string {
	const { host, port, dbname } = serverOf(config);
	return JSON.stringify([host, port, dbname]);
}

interface OverviewRow {
	id: number;
	project: string;
	completed: boolean | null;
	/** What a sync reads from the row, hashed: a change is a new fingerprint. */
	state: string;
	written: string | null;
}

/**
 * Core-Tools: every measurement of `global_measurement_overview` is a dataset, its id the
 * data identifier and its project the scope identifier. One not completed is live (synced
 * as it grows) until it completes or gains nothing for ten minutes.
 */
export const coretools: BackendImplementation = {
	followsLive: true,

	reachable: coretoolsProblem,

	async scan(config) {
		const key = memoryKey(config);
		const datasets = await withCoretools(config, async (client) => {
			const { rows: counted } = await client.query<{ count: number; last: number | null }>(
				'SELECT count(*)::int AS count, max(id) AS last FROM global_measurement_overview'
			);
			const { count, last } = counted[0]!;
			const cursors = await hasTable(client, 'measurement_parameters');
			// The written values of a running measurement: its progress, which makes it worth a sync.
			const select = `SELECT id, project, completed,
				md5(concat_ws('|', exp_name, set_up, project, sample, keywords::text, starred, completed,
					start_time, stop_time, octet_length(snapshot), octet_length(metadata))) AS state,
				${
					cursors
						? `CASE WHEN completed THEN NULL ELSE (SELECT sum(write_cursor)::text FROM measurement_parameters p WHERE p.exp_uuid = g.uuid) END`
						: 'NULL'
				} AS written
				FROM global_measurement_overview g`;
			const before = memories.get(key);
			const changed = changedRowsQuery(before, key);
			const scan = (rows: OverviewRow[], changedOnly: boolean) =>
				rememberScan(
					before,
					key,
					{ rows, changedOnly, idOf: (row) => row.id },
					{ rows: count, lastId: last },
					scanned
				);
			let memory = changed
				? scan(
						(
							await client.query<OverviewRow>(`${select} WHERE id > $1 OR id = ANY($2::int[])`, [
								changed.after,
								changed.ids
							])
						).rows,
						true
					)
				: null;
			memory ??= scan((await client.query<OverviewRow>(select)).rows, false)!;
			memories.set(key, memory);
			return [...memory.datasets.values()];
		});
		return { datasets, skipped: [] };
	},

	async read(config, dataIdentifier): Promise<DatasetContent> {
		const id = Number(dataIdentifier);
		if (!Number.isSafeInteger(id) || id < 1) {
			throw new Error(`${dataIdentifier} is not a Core-Tools measurement id`);
		}
		const { dbname } = serverOf(config);
		const { folder, dispose } = await temporaryFolder('qh-coretools-');
		try {
			const { measurement, data } = await withCoretools(config, async (client) => {
				const measurement = await readMeasurementRow(client, id);
				if (!measurement) throw new Error(`Measurement ${id} is no longer in ${dbname}`);
				return {
					measurement,
					data: await readMeasurementData(client, measurement, fileAttributesOf(measurement))
				};
			});
			const dataFile = path.join(folder, DATA_FILE);
			await writeXarrayHdf5(dataFile, data.dataset);
			const files = [{ name: DATA_FILE, path: dataFile, made: true }];
			for (const [name, json] of [
				['snapshot.json', measurement.snapshot],
				['metadata.json', measurement.metadata]
			] as const) {
				const text = json?.toString('utf8').trim();
				// Core-Tools writes `json.dumps(None)` when there is none.
				if (!text || text === 'null') continue;
				await fsp.writeFile(path.join(folder, name), text);
				files.push({ name, path: path.join(folder, name), made: true });
			}
			const state = memories.get(memoryKey(config))?.incomplete.get(id);
			const abandoned = state !== undefined && Date.now() - state.changedAt >= ABANDONED_MS;
			const notes = [...data.notes];
			if (!measurement.completed) {
				const progress = `${data.written} of ${data.total} values`;
				notes.push(
					abandoned
						? `Measurement ${id} never completed: no new values for ${ABANDONED_MS / 60_000} minutes, so it is synced as it is (${progress})`
						: `Measurement ${id} is still running: synced as far as it is measured (${progress}), again as it grows and once it completes`
				);
			}
			const collected = measurement.start_epoch ?? measurement.stop_epoch;
			if (collected === null) throw new Error(`Measurement ${id} has no start time`);
			return {
				name: measurement.exp_name || `measurement ${id}`,
				altUid: measurement.uuid,
				collected: new Date(collected * 1000).toISOString(),
				description: null,
				tags: keywordsOf(measurement.keywords),
				attributes: {
					sample: measurement.sample,
					'set-up': measurement.set_up,
					project: measurement.project
				},
				files,
				parameters: data.parameters,
				conversions: [],
				skipped: [],
				notes,
				recorded: null,
				...(measurement.completed || data.total === 0
					? {}
					: { liveFill: data.written / data.total }),
				extra: {
					format: 'coretools',
					measurement_id: id,
					measurement_uuid: measurement.uuid,
					...(measurement.starred ? { ranking: 1 } : {}),
					variables: data.parameters
				},
				dispose
			};
		} catch (error) {
			await dispose();
			throw error;
		}
	}
};

/** One measurement as the scan reports it; its fingerprint changes when anything synced would. */
function scanned(
	row: OverviewRow,
	previous: Incomplete | undefined
): { dataset: ScannedDataset; state: Incomplete | null } {
	let state: Incomplete | null = null;
	const now = Date.now();
	if (!row.completed) {
		const written = Number(row.written ?? 0);
		state = {
			written,
			changedAt: previous && previous.written === written ? previous.changedAt : now
		};
	}
	const abandoned = state !== null && now - state.changedAt >= ABANDONED_MS;
	const dataset = {
		dataIdentifier: String(row.id),
		scopeIdentifier: row.project,
		fingerprint: createHash('md5')
			.update(JSON.stringify([row.state, state?.written ?? null, abandoned]))
			.digest('hex'),
		live: state !== null && !abandoned
	};
	return { dataset, state };
}

/** The measurement's keywords (a JSON list, as Core-Tools writes them) as tags. */
function keywordsOf(keywords: unknown): string[] {
	if (!Array.isArray(keywords)) return [];
	const tags = keywords.map((keyword) =>
		typeof keyword === 'string' ? keyword : JSON.stringify(keyword)
	);
	return [...new Set(tags.filter((tag) => tag.trim() !== ''))];
}

/** The export's global attributes, those of Core-Tools' own `ds2xarray`. */
function fileAttributesOf(measurement: MeasurementRow): Attributes {
	const start = measurement.start_epoch;
	return {
		title: measurement.exp_name,
		uuid: measurement.uuid,
		id: measurement.id,
		sample_name: measurement.sample,
		project: measurement.project,
		set_up: measurement.set_up,
		measurement_time: start === null ? '' : new Date(start * 1000).toISOString()
	};
}

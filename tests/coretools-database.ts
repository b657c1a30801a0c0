/**
 * Writes Core-Tools measurements into a real PostgreSQL database the way Core-Tools does
 * (stephanlphilips/core_tools, BSD-2: `dataset_creation_queries.py`, `data_class.py`,
 * `buffer_writer.py`): its tables, a row in `global_measurement_overview` started with
 * `TO_TIMESTAMP`, one parameter row per measured parameter and per setpoint, and the values as
 * raw little-endian float64 in large objects, appended while it runs with the write cursors
 * following. Setpoints are stored over the whole grid, as Core-Tools records them.
 */
import type pg from 'pg';

/** Core-Tools' tables, as its `generate_table` methods create them. */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS sample_info_overview (
	sample_info_hash text NOT NULL UNIQUE, set_up text NOT NULL, project text NOT NULL,
	sample text NOT NULL);
CREATE TABLE IF NOT EXISTS global_measurement_overview (
	id SERIAL, uuid BIGINT NOT NULL unique, exp_name text NOT NULL, set_up text NOT NULL,
	project text NOT NULL, sample text NOT NULL, creasted_by text NOT NULL,
	start_time TIMESTAMP, stop_time TIMESTAMP, exp_data_location text, snapshot BYTEA,
	metadata BYTEA, keywords JSONB, starred BOOL DEFAULT False, completed BOOL DEFAULT False,
	data_size int, data_cleared BOOL DEFAULT False, data_update_count int DEFAULT 0,
	data_synchronized BOOL DEFAULT False, table_synchronized BOOL DEFAULT False,
	sync_location text);
CREATE INDEX IF NOT EXISTS uuid_indexed ON global_measurement_overview USING BTREE (uuid);
CREATE TABLE IF NOT EXISTS measurement_parameters (
	id SERIAL primary key, exp_uuid BIGINT NOT NULL, param_index INT NOT NULL, param_id BIGINT,
	nth_set INT, nth_dim INT, param_id_m_param BIGINT, setpoint BOOL, setpoint_local BOOL,
	name_gobal text, name text NOT NULL, label text NOT NULL, unit text NOT NULL,
	depencies jsonb, shape jsonb, write_cursor INT, total_size INT, oid INT);
CREATE INDEX IF NOT EXISTS exp_uuid_index ON measurement_parameters USING BTREE (exp_uuid);
`;

/** The per-measurement parameter table of databases written before `measurement_parameters`. */
const OLD_TABLE_COLUMNS = `id SERIAL primary key, param_id BIGINT, nth_set INT, nth_dim INT,
	param_id_m_param BIGINT, setpoint BOOL, setpoint_local BOOL, name_gobal text,
	name text NOT NULL, label text NOT NULL, unit text NOT NULL, depencies jsonb, shape jsonb,
	write_cursor INT, total_size INT, oid INT, synchronized BOOL DEFAULT False, sync_location text`;

export interface Axis {
	name: string;
	label?: string;
	unit?: string;
	/** Its values, one per point along it. */
	values: number[];
}

export interface Measured {
	name: string;
	label?: string;
	unit?: string;
	/** Its value at a grid point (indices outermost first). */
	value: (at: number[]) => number;
}

export interface MeasurementSpec {
	name: string;
	project: string;
	setUp?: string;
	sample?: string;
	/** Epoch seconds. */
	start: number;
	keywords?: string[];
	starred?: boolean;
	snapshot?: unknown;
	metadata?: unknown;
	/** Setpoints, outermost first, shared by every measured parameter. */
	axes: Axis[];
	measured: Measured[];
	/** Points written (in sweep order); all by default. */
	points?: number;
	completed?: boolean;
	/** `old`: a parameter table of its own, as before `measurement_parameters`. */
	layout?: 'new' | 'old';
}

interface Buffer64 {
	row: { paramIndex: number; id: number };
	oid: number;
	values: (at: number[]) => number;
}

export interface Measurement {
	id: number;
	/** 64-bit: text. */
	uuid: string;
	/** Writes points up to `points` (in sweep order), as Core-Tools' buffer sync does. */
	writeUpTo(points: number): Promise<void>;
	complete(): Promise<void>;
}

/** A random signed 64-bit id, as Core-Tools' `uuid1() >> 64`: beyond what a double holds exactly. */
function id64(): bigint {
	const high = BigInt(Math.floor(Math.random() * 2 ** 30)) + 2n ** 30n;
	const low = BigInt(Math.floor(Math.random() * 2 ** 32));
	const value = (high << 32n) | low;
	return Math.random() < 0.5 ? -value : value;
}

function pointsOf(axes: Axis[]): number[][] {
	let points: number[][] = [[]];
	for (const axis of axes) {
		points = points.flatMap((at) => axis.values.map((_, i) => [...at, i]));
	}
	return points;
}

function float64(values: number[]): Buffer {
	const buffer = Buffer.alloc(values.length * 8);
	values.forEach((value, i) => buffer.writeDoubleLE(value, i * 8));
	return buffer;
}

export class CoretoolsWriter {
	constructor(readonly client: pg.Client) {}

	async createSchema(): Promise<void> {
		await this.client.query(SCHEMA);
	}

	async measurement(spec: MeasurementSpec): Promise<Measurement> {
		const { client } = this;
		const setUp = spec.setUp ?? 'XLD';
		const sample = spec.sample ?? 'SQ20';
		const signed = id64();
		const uuid = signed < 0n ? -signed : signed;
		const layout = spec.layout ?? 'new';
		// As Core-Tools names it; created unquoted, so PostgreSQL keeps it in lower case.
		const table = `_${setUp}_${spec.project}_${sample}_${uuid}`.replace(/[ -]/g, '_');
		await client.query(
			`INSERT INTO sample_info_overview VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
			[setUp + spec.project + sample, setUp, spec.project, sample]
		);
		const { rows } = await client.query<{ id: number }>(
			`INSERT INTO global_measurement_overview
				(uuid, set_up, project, sample, creasted_by, exp_name, sync_location, exp_data_location,
				 start_time, snapshot, metadata, keywords, starred)
			VALUES ($1, $2, $3, $4, 'lab', $5, $6, $7, TO_TIMESTAMP($8), $9, $10, $11, $12) RETURNING id`,
			[
				uuid.toString(),
				setUp,
				spec.project,
				sample,
				spec.name,
				layout === 'new' ? 'New measurement_parameters' : null,
				layout === 'new' ? '' : table,
				spec.start,
				Buffer.from(JSON.stringify(spec.snapshot ?? null), 'ascii'),
				Buffer.from(JSON.stringify(spec.metadata ?? null), 'ascii'),
				JSON.stringify(spec.keywords ?? []),
				spec.starred ?? false
			]
		);
		const id = rows[0]!.id;
		if (layout === 'old') await client.query(`CREATE TABLE ${table} (${OLD_TABLE_COLUMNS})`);

		const grid = spec.axes.map((axis) => axis.values.length);
		const size = grid.reduce((a, b) => a * b, 1);
		const buffers: Buffer64[] = [];
		let paramIndex = 0;
		const insert = async (row: {
			paramId: bigint;
			mParam: bigint;
			nthDim: number;
			setpoint: boolean;
			name: string;
			label?: string;
			unit?: string;
			dependencies: bigint[];
			values: (at: number[]) => number;
		}) => {
			const { rows: created } = await client.query<{ oid: number }>(
				'SELECT lo_create(0)::bigint AS oid'
			);
			const oid = Number(created[0]!.oid);
			const values = [
				row.paramId.toString(),
				0,
				row.nthDim,
				row.mParam.toString(),
				row.setpoint,
				false,
				row.name,
				row.name,
				row.label ?? row.name,
				row.unit ?? '',
				`[${row.dependencies.join(', ')}]`,
				JSON.stringify(grid),
				0,
				size,
				oid
			];
			if (layout === 'new') {
				await client.query(
					`INSERT INTO measurement_parameters (exp_uuid, param_index, param_id, nth_set, nth_dim,
						param_id_m_param, setpoint, setpoint_local, name_gobal, name, label, unit, depencies,
						shape, write_cursor, total_size, oid)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
					[uuid.toString(), paramIndex, ...values]
				);
			} else {
				await client.query(
					`INSERT INTO ${table} (param_id, nth_set, nth_dim, param_id_m_param, setpoint,
						setpoint_local, name_gobal, name, label, unit, depencies, shape, write_cursor,
						total_size, oid)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
					values
				);
			}
			buffers.push({ row: { paramIndex, id: paramIndex + 1 }, oid, values: row.values });
			paramIndex++;
		};
		// As `m_param_dataclass.to_SQL_data_structure`: the measured parameter, then its setpoints.
		for (const measured of spec.measured) {
			const mParam = id64();
			const setpoints = spec.axes.map(() => id64());
			await insert({
				paramId: mParam,
				mParam,
				nthDim: -1,
				setpoint: false,
				...measured,
				dependencies: setpoints,
				values: measured.value
			});
			for (const [i, axis] of spec.axes.entries()) {
				await insert({
					paramId: setpoints[i]!,
					mParam,
					nthDim: i,
					setpoint: true,
					...axis,
					dependencies: [],
					values: (at) => axis.values[at[i]!]!
				});
			}
		}

		const points = pointsOf(spec.axes);
		let written = 0;
		const writeUpTo = async (upTo: number) => {
			const next = points.slice(written, upTo);
			for (const buffer of buffers) {
				await client.query('SELECT lo_put($1::oid, $2, $3)', [
					buffer.oid,
					written * 8,
					float64(next.map(buffer.values))
				]);
				if (layout === 'new') {
					await client.query(
						'UPDATE measurement_parameters SET write_cursor = $1 WHERE exp_uuid = $2 AND param_index = $3',
						[upTo, uuid.toString(), buffer.row.paramIndex]
					);
				} else {
					await client.query(`UPDATE ${table} SET write_cursor = $1 WHERE id = $2`, [
						upTo,
						buffer.row.id
					]);
				}
			}
			written = upTo;
			await client.query(
				'UPDATE global_measurement_overview SET data_update_count = data_update_count + 1 WHERE id = $1',
				[id]
			);
		};
		const complete = async () => {
			await client.query(
				`UPDATE global_measurement_overview SET completed = true, stop_time = TO_TIMESTAMP($1),
					data_size = $2 WHERE id = $3`,
				[spec.start + 60, size * buffers.length, id]
			);
		};
		await writeUpTo(spec.points ?? size);
		if (spec.completed ?? true) await complete();
		return { id, uuid: uuid.toString(), writeUpTo, complete };
	}
}

/**
 * One Core-Tools measurement read from its database: the row of `global_measurement_overview`,
 * its parameters (`measurement_parameters`, or the measurement's own table in databases
 * written before it), and their values, raw little-endian float64 in PostgreSQL large
 * objects. Laid out as Core-Tools' `ds2xarray` does: each measured parameter a variable over
 * its setpoints, each setpoint a coordinate.
 */
import type pg from 'pg';
import type { DatasetParameter } from '../../../lib/contract';
import type { Attributes, Dimension, Variable, XarrayDataset } from '../../files/xarray-hdf5';

/** Core-Tools' marker (in `sync_location`) of a measurement whose parameters are in `measurement_parameters`. */
const NEW_LAYOUT = 'New measurement_parameters';
/** Values of one measurement the agent reads at most (8 bytes each): 512 MiB. */
export const MAX_VALUES = 64 * 1024 * 1024;
/** A large object is read in pieces of this many bytes. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** More parameters than this is not a measurement Core-Tools wrote. */
const MAX_PARAMETERS = 10_000;

export interface MeasurementRow {
	id: number;
	uuid: string;
	exp_name: string;
	set_up: string;
	project: string;
	sample: string;
	creasted_by: string | null;
	start_epoch: number | null;
	stop_epoch: number | null;
	exp_data_location: string | null;
	snapshot: Buffer | null;
	metadata: Buffer | null;
	keywords: unknown;
	starred: boolean | null;
	completed: boolean | null;
	sync_location: string | null;
}

/** One row of the parameter table. Ids are text: they are 64-bit. */
interface ParameterRow {
	param_id: string;
	nth_set: number | null;
	nth_dim: number | null;
	param_id_m_param: string;
	setpoint: boolean | null;
	setpoint_local: boolean | null;
	name: string;
	label: string;
	unit: string;
	dependencies: string[] | null;
	shape: string[] | null;
	write_cursor: number | null;
	total_size: number | null;
	oid: number | null;
}

export interface MeasurementData {
	dataset: XarrayDataset;
	parameters: DatasetParameter[];
	/** Values written so far, over all measured parameters, and how many there will be. */
	written: number;
	total: number;
	notes: string[];
}

/** Whether the table (an SQL name, quoted where it must be) is in the database. */
export async function hasTable(client: pg.PoolClient, table: string): Promise<boolean> {
	const { rows } = await client.query<{ exists: boolean }>(
		'SELECT to_regclass($1) IS NOT NULL AS exists',
		[table]
	);
	return rows[0]!.exists;
}

export async function readMeasurementRow(
	client: pg.PoolClient,
	id: number
): Promise<MeasurementRow | null> {
	const { rows } = await client.query<MeasurementRow>(
		`SELECT *, uuid::text AS uuid,
			extract(epoch FROM start_time::timestamptz)::float8 AS start_epoch,
			extract(epoch FROM stop_time::timestamptz)::float8 AS stop_epoch
		FROM global_measurement_overview WHERE id = $1`,
		[id]
	);
	return rows[0] ?? null;
}

const PARAMETER_COLUMNS = `param_id::text AS param_id, nth_set, nth_dim,
	param_id_m_param::text AS param_id_m_param, setpoint, setpoint_local, name, label, unit,
	ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(depencies) WHEN 'array' THEN depencies ELSE '[]' END)) AS dependencies,
	ARRAY(SELECT jsonb_array_elements_text(CASE jsonb_typeof(shape) WHEN 'array' THEN shape ELSE '[]' END)) AS shape,
	write_cursor, total_size, oid`;

async function readParameterRows(
	client: pg.PoolClient,
	measurement: MeasurementRow
): Promise<ParameterRow[]> {
	let rows: ParameterRow[];
	if (measurement.sync_location === NEW_LAYOUT) {
		({ rows } = await client.query<ParameterRow>(
			`SELECT ${PARAMETER_COLUMNS} FROM measurement_parameters
			WHERE exp_uuid = $1 ORDER BY param_index LIMIT ${MAX_PARAMETERS + 1}`,
			[measurement.uuid]
		));
	} else {
		const table = measurement.exp_data_location ?? '';
		// Core-Tools created these tables with unquoted names: PostgreSQL folded them to lower case.
		const quoted = client.escapeIdentifier(table.toLowerCase());
		if (!table || !(await hasTable(client, quoted))) {
			throw new Error(
				`Measurement ${measurement.id}: its parameter table "${table}" is not in the database`
			);
		}
		({ rows } = await client.query<ParameterRow>(
			`SELECT ${PARAMETER_COLUMNS} FROM ${quoted}
			ORDER BY id LIMIT ${MAX_PARAMETERS + 1}`
		));
	}
	if (rows.length > MAX_PARAMETERS) {
		throw new Error(`Measurement ${measurement.id} has more than ${MAX_PARAMETERS} parameters`);
	}
	return rows;
}

/** A large object's values, up to `count` of them; NaN where nothing is written yet. */
async function readValues(client: pg.PoolClient, oid: number, count: number) {
	const values = new Float64Array(count).fill(NaN);
	// Stored in an INT column by psycopg2: large oids come back negative.
	const objectId = oid < 0 ? oid + 2 ** 32 : oid;
	let read = 0;
	while (read < count) {
		const length = Math.min(CHUNK_BYTES, (count - read) * 8);
		const { rows } = await client.query<{ chunk: Buffer }>(
			'SELECT lo_get($1::oid, $2, $3) AS chunk',
			[objectId, read * 8, length]
		);
		const chunk = rows[0]!.chunk;
		const whole = Math.floor(chunk.length / 8);
		for (let i = 0; i < whole; i++) values[read + i] = chunk.readDoubleLE(i * 8);
		read += whole;
		if (chunk.length < length) break;
	}
	return { values, read };
}

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** HDF5 takes `/` as a path: a name keeps its other characters. */
const safeName = (name: string) => name.replaceAll('/', '_') || 'unnamed';

/**
 * The values of one axis of a setpoint: Core-Tools stores a setpoint over the whole grid and
 * reads its axis at index 0 of every other dimension (`dataset_data_description.__call__`).
 */
function axisOf(values: Float64Array, shape: number[], axis: number): Float64Array {
	if (shape.length <= 1) return values;
	const stride = product(shape.slice(axis + 1));
	const out = new Float64Array(shape[axis]!);
	for (let i = 0; i < out.length; i++) out[i] = values[i * stride]!;
	return out;
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
	}
	return true;
}

export async function readMeasurementData(
	client: pg.PoolClient,
	measurement: MeasurementRow,
	fileAttributes: Attributes
): Promise<MeasurementData> {
	const rows = await readParameterRows(client, measurement);
	const notes: string[] = [];
	const shapeOf = (row: ParameterRow) => (row.shape ?? []).map(Number);
	const total = rows.reduce((sum, row) => sum + product(shapeOf(row)), 0);
	if (total > MAX_VALUES) {
		throw new Error(
			`Measurement ${measurement.id} holds ${total} values, more than the ${MAX_VALUES} the agent exports`
		);
	}
	const values = new Map<ParameterRow, Float64Array>();
	let written = 0;
	let expected = 0;
	for (const row of rows) {
		const size = product(shapeOf(row));
		if (row.oid === null) {
			values.set(row, new Float64Array(size).fill(NaN));
			continue;
		}
		const { values: read, read: count } = await readValues(client, row.oid, size);
		values.set(row, read);
		if (!row.setpoint && !row.setpoint_local) {
			written += count;
			expected += size;
		}
	}

	const dimensions: Dimension[] = [];
	const variables: Variable[] = [];
	const taken = new Set<string>();
	const unique = (name: string) => {
		let candidate = safeName(name);
		for (let n = 2; taken.has(candidate); n++) candidate = `${safeName(name)}_${n}`;
		taken.add(candidate);
		return candidate;
	};
	/** A dimension for these coordinate values: an equal one is shared, else a new one. */
	const dimensionFor = (name: string, coordinate: Float64Array, attributes: Attributes) => {
		const same = dimensions.find(
			(dimension) =>
				(dimension.name === safeName(name) || dimension.name.startsWith(`${safeName(name)}_`)) &&
				dimension.values instanceof Float64Array &&
				sameValues(dimension.values, coordinate)
		);
		if (same) return same.name;
		const dimension = { name: unique(name), values: coordinate, attributes };
		dimensions.push(dimension);
		return dimension.name;
	};

	const measured = rows.filter((row) => row.param_id === row.param_id_m_param);
	for (const row of measured) {
		const shape = shapeOf(row);
		const dims = shape.map((length, axis) => {
			const dependency = row.dependencies?.[axis];
			// Its own setpoint first (Core-Tools stores one per measured parameter), else any.
			const candidates = rows.filter((other) => other.param_id === dependency);
			const setpoint =
				candidates.find((other) => other.param_id_m_param === row.param_id) ?? candidates[0];
			if (setpoint) {
				const setpointShape = shapeOf(setpoint);
				const nthDim = setpointShape.length > 1 ? (setpoint.nth_dim ?? axis) : 0;
				const coordinate = axisOf(values.get(setpoint)!, setpointShape, nthDim);
				if (coordinate.length === length) {
					return dimensionFor(setpoint.name, coordinate, {
						units: setpoint.unit,
						long_name: setpoint.label
					});
				}
			}
			notes.push(
				`${row.name}: axis ${axis} has no setpoint of its length (${length}); it is numbered instead`
			);
			return dimensionFor(
				`${row.name}_dim_${axis}`,
				Float64Array.from({ length }, (_, i) => i),
				{}
			);
		});
		variables.push({
			name: unique(row.name),
			dims,
			values: values.get(row)!,
			attributes: { units: row.unit, long_name: row.label }
		});
	}
	const sizes = new Map(dimensions.map((d) => [d.name, (d.values as Float64Array).length]));
	const parameters: DatasetParameter[] = [
		...dimensions.map((dimension) => ({
			name: dimension.name,
			long_name: String(dimension.attributes.long_name ?? '') || null,
			units: String(dimension.attributes.units ?? '') || null,
			dims: [dimension.name],
			shape: [sizes.get(dimension.name)!]
		})),
		...variables.map((variable) => ({
			name: variable.name,
			long_name: String(variable.attributes.long_name ?? '') || null,
			units: String(variable.attributes.units ?? '') || null,
			dims: variable.dims,
			shape: variable.dims.map((dim) => sizes.get(dim)!)
		}))
	];
	if (!measured.length) notes.push(`Measurement ${measurement.id} has no measured parameters`);
	return {
		dataset: { attributes: fileAttributes, dimensions, variables },
		parameters,
		written,
		total: expected,
		notes
	};
}

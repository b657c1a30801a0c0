/**
 * A text table (tab-, comma-, semicolon- or space-separated, one header row) as an HDF5 file
 * that xarray opens with `engine="h5netcdf"`: the first column is the dimension coordinate
 * (an HDF5 dimension scale, as netCDF-4 makes one), the others data variables attached to it.
 */
import { writeXarrayHdf5, type Attributes } from '../files/xarray-hdf5';

export interface TableColumn {
	/** The header's label, as written: `Time(us)`. */
	label: string;
	/** The variable's name: the label without its unit, unique, usable as an HDF5 name. */
	name: string;
	units: string | null;
	values: Float64Array;
}

/** `Name(unit)` or `Name [unit]`, the unit optional. */
const LABEL = /^(.*?)\s*(?:\(([^()]*)\)|\[([^[\]]*)\])\s*$/;

/**
 * Reads the table; throws an Error naming the line (and column) of what is not a table.
 * The header may sit behind a `#` (NumPy's `savetxt`); later `#` lines and blank lines are
 * comments. An empty cell is a missing value (NaN).
 */
export function parseTextTable(text: string): TableColumn[] {
	const lines = text.split(/\r?\n/);
	let index = lines.findIndex((line) => line.trim() !== '');
	if (index < 0) throw new Error('the file is empty: no header row');
	const headerLine = lines[index]!.replace(/^\s*#\s*/, '');
	const split = splitterOf(headerLine);
	const labels = split(headerLine);
	const names = uniqueNames(labels);
	const columns: number[][] = labels.map(() => []);
	for (index += 1; index < lines.length; index += 1) {
		const line = lines[index]!;
		if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
		const cells = split(line);
		if (cells.length !== labels.length) {
			throw new Error(
				`line ${index + 1} has ${cells.length} values where the header names ${labels.length} columns`
			);
		}
		cells.forEach((cell, column) => {
			const value = parseNumber(cell);
			if (value === null) {
				throw new Error(`line ${index + 1}, column "${labels[column]}": "${cell}" is not a number`);
			}
			columns[column]!.push(value);
		});
	}
	return labels.map((label, column) => {
		const unit = LABEL.exec(label);
		return {
			label,
			name: names[column]!,
			units: unit ? (unit[2] ?? unit[3] ?? '').trim() || null : null,
			values: Float64Array.from(columns[column]!)
		};
	});
}

/** The header's separator decides the table's: tab, else comma, else semicolon, else spaces. */
function splitterOf(header: string): (line: string) => string[] {
	const separator = ['\t', ',', ';'].find((candidate) => header.includes(candidate));
	if (separator) return (line) => line.split(separator).map((cell) => cell.trim());
	return (line) => line.trim().split(/\s+/);
}

function parseNumber(cell: string): number | null {
	if (cell === '') return NaN;
	const lower = cell.toLowerCase();
	if (lower === 'nan') return NaN;
	if (/^[+-]?inf(inity)?$/.test(lower)) return lower.startsWith('-') ? -Infinity : Infinity;
	const value = Number(cell);
	return Number.isNaN(value) ? null : value;
}

/** Labels without their units, made unique and free of `/` (an HDF5 path separator). */
function uniqueNames(labels: string[]): string[] {
	const taken = new Set<string>();
	return labels.map((label, column) => {
		const bare = (LABEL.exec(label)?.[1] ?? label).trim().replaceAll('/', '_').replace(/^\.+/, '');
		const base = bare || `column_${column + 1}`;
		let name = base;
		for (let n = 2; taken.has(name); n += 1) name = `${base}_${n}`;
		taken.add(name);
		return name;
	});
}

/** Writes the table as HDF5 to `output` (a new file), with where it came from as attributes. */
export async function writeTableHdf5(
	output: string,
	columns: TableColumn[],
	about: { sourceFile: string; converter: string }
): Promise<void> {
	const [dimension, ...variables] = columns;
	if (!dimension) throw new Error('the table has no columns');
	const attributesOf = (column: TableColumn): Attributes =>
		column.units === null ? {} : { units: column.units };
	await writeXarrayHdf5(output, {
		attributes: {
			source_file: about.sourceFile,
			converter: about.converter,
			columns: columns.map((column) => column.label)
		},
		dimensions: [
			{ name: dimension.name, values: dimension.values, attributes: attributesOf(dimension) }
		],
		variables: variables.map((column) => ({
			name: column.name,
			dims: [dimension.name],
			values: column.values,
			attributes: attributesOf(column)
		}))
	});
}

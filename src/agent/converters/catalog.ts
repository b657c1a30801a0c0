import fs from 'node:fs/promises';
import type { Converter } from '../../lib/contract';
import { EMBEDDED_VERSION } from '../backends/catalog';
import { parseTextTable, writeTableHdf5 } from './text-table';

/** A text table is read whole to be converted: past this it is refused. */
export const CONVERSION_INPUT_LIMIT_BYTES = 256 * 1024 * 1024;

export interface ConverterDefinition {
	/** `<input>_to_<output>`: what a dataset's `<input>_to_<output>_converter` key asks for. */
	name: string;
	input: string;
	output: string;
	package: string;
	description: string;
	/** Converts `input` into the new file `output`; absent: known, but not in this agent. */
	convert: ((input: string, output: string, about: { sourceFile: string }) => Promise<void>) | null;
}

function textTableToHdf5(name: string) {
	return async (input: string, output: string, about: { sourceFile: string }) => {
		const { size } = await fs.stat(input);
		if (size > CONVERSION_INPUT_LIMIT_BYTES) {
			throw new Error(
				`${about.sourceFile} is ${Math.round(size / 1024 / 1024)} MB; tables of at most ${CONVERSION_INPUT_LIMIT_BYTES / 1024 / 1024} MB are converted`
			);
		}
		let columns;
		try {
			columns = parseTextTable(await fs.readFile(input, 'utf8'));
		} catch (error) {
			throw new Error(`${about.sourceFile} is not a table: ${(error as Error).message}`);
		}
		await writeTableHdf5(output, columns, { sourceFile: about.sourceFile, converter: name });
	};
}

const tableDescription = (what: string) =>
	`Converts ${what} with one header row (such as "Time(us)<tab>Signal(mV)", also behind NumPy's "# ") into HDF5 that xarray opens with engine="h5netcdf": the first column is the dimension, the others variables, units from the parentheses.`;

/**
 * The converters of the vendor's table; the text-table ones are built into this agent, as its
 * backends are (installed, at the agent's own version).
 */
export const converters: ConverterDefinition[] = [
	{
		name: 'txt_to_hdf5',
		input: 'txt',
		output: 'hdf5',
		package: 'etiket-converter-txt',
		description: tableDescription('text tables (tab-, comma-, semicolon- or space-separated)'),
		convert: textTableToHdf5('txt_to_hdf5')
	},
	{
		name: 'csv_to_hdf5',
		input: 'csv',
		output: 'hdf5',
		package: 'etiket-converter-csv',
		description: tableDescription('CSV tables'),
		convert: textTableToHdf5('csv_to_hdf5')
	},
	{
		name: 'zarr_to_netcdf4',
		input: 'zarr',
		output: 'netcdf4',
		package: 'etiket-converter-zarr',
		description: 'Converts Zarr stores to netCDF-4 files.',
		convert: null
	},
	{
		name: 'zarr_to_zip',
		input: 'zarr',
		output: 'zip',
		package: 'etiket-converter-zarr',
		description: 'Packs Zarr stores into one zip file.',
		convert: null
	}
];

export function findConverter(name: string): ConverterDefinition | undefined {
	return converters.find((converter) => converter.name === name);
}

/** A converter as the catalog shows it, with the `_QH_dataset_info.yaml` lines that ask for it. */
export function describeConverter(converter: ConverterDefinition): Converter {
	const className = `${converter.input[0]!.toUpperCase()}${converter.input.slice(1)}To${converter.output[0]!.toUpperCase()}${converter.output.slice(1)}Converter`;
	return {
		name: converter.name,
		package: converter.package,
		description: converter.description,
		installed: converter.convert !== null,
		version: converter.convert ? EMBEDDED_VERSION : null,
		input_extensions: [`.${converter.input}`],
		output_extension: `.${converter.output}`,
		example: `converters:\n  ${converter.name}_converter:\n    module: data_converter.converter_${converter.name}\n    class: ${className}`
	};
}

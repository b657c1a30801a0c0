import { describe, expect, it } from 'vitest';
import { parseDatasetInfo } from './dataset-info';

const WHERE = 'P/run/_QH_dataset_info.yaml';

describe('parseDatasetInfo', () => {
	it('reads what the writer emits, converters by their input and output', () => {
		const info = parseDatasetInfo(
			`version: '0.1'
dataset_name: T1
creation: '2025-08-31T14:14:33'
attributes: {n: 3, ok: false, s: x}
keywords: [a, 1]
tags: [a, b]
converters:
  CSV_to_HDF5_converter: {module: conv.csv, class: CsvToHdf5}
  zarr_to_zip_converter:
skip: '*.json'
`,
			WHERE
		);
		expect(info).toEqual({
			version: '0.1',
			name: 'T1',
			collected: new Date('2025-08-31T14:14:33').toISOString(),
			description: null,
			attributes: { n: 3, ok: false, s: 'x' },
			keywords: ['a', '1', 'b'],
			skip: ['*.json'],
			converters: [
				{ name: 'csv_to_hdf5', input: 'csv', output: 'hdf5', python: 'conv.csv.CsvToHdf5' },
				{ name: 'zarr_to_zip', input: 'zarr', output: 'zip', python: null }
			],
			notes: []
		});
	});

	it('takes `creation` before `collected` and `created`, and notes what it does not know', () => {
		const info = parseDatasetInfo(
			'collected: 2024-01-01T00:00:00Z\ncreation: 2025-01-01T00:00:00Z\nextra: {a: 1}\n',
			WHERE
		);
		expect(info.collected).toBe('2025-01-01T00:00:00.000Z');
		expect(info.notes).toEqual([
			`${WHERE} has no version (its writer always gives one)`,
			`${WHERE}: unknown key "extra" kept as a note: {"a":1}`
		]);
	});

	it('names the file, the field and what was expected', () => {
		expect(() => parseDatasetInfo('creation: yesterday\n', WHERE)).toThrow(
			`${WHERE} is invalid: creation: expected a time such as 2025-08-31T14:14:33, got "yesterday"`
		);
		expect(() => parseDatasetInfo('- a list\n', WHERE)).toThrow(
			`${WHERE} must be a mapping of keys to values`
		);
		expect(() => parseDatasetInfo('converters:\n  to_hdf5: {}\n', WHERE)).toThrow(
			`${WHERE} is invalid: converters.to_hdf5: expected <input>_to_<output>_converter: {module: …, class: …}`
		);
	});
});

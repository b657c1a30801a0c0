import { describe, expect, it } from 'vitest';
import { parseTextTable } from './text-table';

const shape = (text: string) =>
	parseTextTable(text).map(({ name, units, values }) => [name, units, Array.from(values)]);

describe('parseTextTable', () => {
	it('reads tab, comma, semicolon and space separated tables, units in () or []', () => {
		const expected = [
			['Time', 'us', [0, 2.5]],
			['Signal', 'mV', [1, 0.5]]
		];
		expect(shape('Time(us)\tSignal(mV)\n0\t1\n2.5\t0.5\n')).toEqual(expected);
		expect(shape('Time (us),Signal (mV)\r\n0,1\r\n2.5,0.5\r\n')).toEqual(expected);
		expect(shape('Time[us];Signal[mV]\n0;1\n2.5;0.5')).toEqual(expected);
		expect(shape('# Time(us) Signal(mV)\n0.000e+00 1.000e+00\n2.5e+00   5.0e-01\n')).toEqual(
			expected
		);
	});

	it('keeps a column without a unit, and makes names unique and usable in HDF5', () => {
		expect(shape('x,a/b (V),x,,y\n1,2,3,4,5\n')).toEqual([
			['x', null, [1]],
			['a_b', 'V', [2]],
			['x_2', null, [3]],
			['column_4', null, [4]],
			['y', null, [5]]
		]);
	});

	it('reads NaN, infinities and empty cells as numbers; skips comments and blank lines', () => {
		const [, column] = parseTextTable('t,v\n1,nan\n\n# a comment\n2,-inf\n3,\n4,Infinity\n');
		expect(Array.from(column!.values)).toEqual([NaN, -Infinity, NaN, Infinity]);
	});

	it('says which line and column are not a table', () => {
		expect(() => parseTextTable('')).toThrow('the file is empty: no header row');
		expect(() => parseTextTable('t\tv\n1\t2\t3\n')).toThrow(
			'line 2 has 3 values where the header names 2 columns'
		);
		expect(() => parseTextTable('t,v\n1,2\n2,abc\n')).toThrow(
			'line 3, column "v": "abc" is not a number'
		);
	});
});

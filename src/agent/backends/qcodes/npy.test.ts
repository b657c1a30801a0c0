import { describe, expect, it } from 'vitest';
import { npy } from '../../../../tests/qcodes-database';
import { parseNpy } from './npy';

const f8 = (values: number[]) => Buffer.from(Float64Array.from(values).buffer);

describe('parseNpy', () => {
	it('reads versions 1 and 3, C and Fortran order, complex and integer values', () => {
		expect(parseNpy(npy('<f8', [3], f8([1, 2.5, NaN]), 1))).toEqual({
			shape: [3],
			data: { kind: 'real', values: Float64Array.from([1, 2.5, NaN]) }
		});
		const fortran = npy('<f8', [2, 3], f8([1, 4, 2, 5, 3, 6])).toString('latin1');
		expect(
			parseNpy(
				Buffer.from(fortran.replace("'fortran_order': False", "'fortran_order': True "), 'latin1')
			).data
		).toEqual({ kind: 'real', values: Float64Array.from([1, 2, 3, 4, 5, 6]) });
		expect(parseNpy(npy('<c16', [1], f8([1.5, -2]), 1)).data).toEqual({
			kind: 'complex',
			real: Float64Array.from([1.5]),
			imag: Float64Array.from([-2])
		});
		const ints = Buffer.alloc(16);
		ints.writeBigInt64BE(-3n, 0);
		ints.writeBigInt64BE(7n, 8);
		expect(parseNpy(npy('>i8', [2], ints)).data).toEqual({
			kind: 'real',
			values: Float64Array.from([-3, 7])
		});
	});

	it('says what is wrong with a blob that is not one NumPy wrote', () => {
		expect(() => parseNpy(Buffer.from('not numpy at all'))).toThrow('no \\x93NUMPY magic');
		expect(() => parseNpy(npy('|O', [1], Buffer.alloc(8)))).toThrow(
			'values of NumPy type "|O" cannot be read'
		);
		expect(() => parseNpy(npy('<f8', [4], f8([1, 2])))).toThrow(
			'the .npy value is cut off: 4 values of 8 bytes need 32 bytes, it has 16'
		);
	});
});

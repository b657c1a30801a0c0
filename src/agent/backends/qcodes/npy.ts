/**
 * NumPy's `.npy` format (versions 1 to 3), as QCoDeS stores array and complex values in its
 * results tables: the magic `\x93NUMPY`, a version, a header length, a Python dict literal
 * `{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }`, then the raw values.
 */

/** Values read from one blob, flattened in C order. */
export type NpyValues =
	| { kind: 'real'; values: Float64Array }
	| { kind: 'complex'; real: Float64Array; imag: Float64Array }
	| { kind: 'text'; values: string[] };

export interface NpyArray {
	shape: number[];
	data: NpyValues;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** A header longer than this is not one NumPy writes. */
const MAX_HEADER_BYTES = 64 * 1024;

/** Reads a `.npy` blob; throws an Error saying what is wrong with it. */
export function parseNpy(blob: Uint8Array): NpyArray {
	if (blob.length < 10 || MAGIC.some((byte, i) => blob[i] !== byte)) {
		throw new Error('not a NumPy .npy value (no \\x93NUMPY magic)');
	}
	const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
	const major = blob[6]!;
	if (major < 1 || major > 3) throw new Error(`unknown .npy format version ${major}`);
	const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
	const headerStart = major === 1 ? 10 : 12;
	if (headerLength > MAX_HEADER_BYTES || headerStart + headerLength > blob.length) {
		throw new Error('the .npy header is cut off');
	}
	const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
		blob.subarray(headerStart, headerStart + headerLength)
	);
	const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
	const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
	const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
	if (descr === undefined || fortran === undefined || shapeText === undefined) {
		throw new Error(`the .npy header is not one NumPy writes: ${header.trim().slice(0, 120)}`);
	}
	const shape = shapeText
		.split(',')
		.map((part) => part.trim())
		.filter((part) => part !== '')
		.map(Number);
	if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
		throw new Error(`the .npy shape (${shapeText}) is not a shape`);
	}
	const count = shape.reduce((a, b) => a * b, 1);
	const type = dtypeOf(descr);
	const start = headerStart + headerLength;
	if (blob.length - start < count * type.size) {
		throw new Error(
			`the .npy value is cut off: ${count} values of ${type.size} bytes need ${count * type.size} bytes, it has ${blob.length - start}`
		);
	}
	const order = fortran === 'True' ? fortranToC(shape) : null;
	const at = (i: number) => start + (order ? order[i]! : i) * type.size;
	if (type.kind === 'text') {
		const values = Array.from({ length: count }, (_, i) =>
			readUtf32(view, at(i), type.size, type.little)
		);
		return { shape, data: { kind: 'text', values } };
	}
	if (type.kind === 'complex') {
		const real = new Float64Array(count);
		const imag = new Float64Array(count);
		const half = type.size / 2;
		for (let i = 0; i < count; i += 1) {
			real[i] = type.read(view, at(i));
			imag[i] = type.read(view, at(i) + half);
		}
		return { shape, data: { kind: 'complex', real, imag } };
	}
	const values = new Float64Array(count);
	for (let i = 0; i < count; i += 1) values[i] = type.read(view, at(i));
	return { shape, data: { kind: 'real', values } };
}

interface Dtype {
	kind: 'real' | 'complex' | 'text';
	size: number;
	little: boolean;
	read: (view: DataView, offset: number) => number;
}

/** `<f8`, `|b1`, `<c16`, `<U12`, …: what QCoDeS' parameters hold. Objects (pickles) are refused. */
function dtypeOf(descr: string): Dtype {
	const match = /^([<>|=]?)([fiubcU])(\d+)$/.exec(descr);
	if (!match) throw new Error(`values of NumPy type "${descr}" cannot be read`);
	const little = match[1] !== '>';
	const code = match[2]!;
	const size = Number(match[3]);
	const readers: Record<string, ((v: DataView, o: number) => number) | undefined> = {
		f2: (v, o) => float16(v.getUint16(o, little)),
		f4: (v, o) => v.getFloat32(o, little),
		f8: (v, o) => v.getFloat64(o, little),
		i1: (v, o) => v.getInt8(o),
		i2: (v, o) => v.getInt16(o, little),
		i4: (v, o) => v.getInt32(o, little),
		i8: (v, o) => Number(v.getBigInt64(o, little)),
		u1: (v, o) => v.getUint8(o),
		u2: (v, o) => v.getUint16(o, little),
		u4: (v, o) => v.getUint32(o, little),
		u8: (v, o) => Number(v.getBigUint64(o, little)),
		b1: (v, o) => (v.getUint8(o) ? 1 : 0)
	};
	if (code === 'U') return { kind: 'text', size: size * 4, little, read: () => NaN };
	if (code === 'c') {
		const part = readers[`f${size / 2}`];
		if (!part) throw new Error(`values of NumPy type "${descr}" cannot be read`);
		return { kind: 'complex', size, little, read: part };
	}
	const read = readers[`${code}${size}`];
	if (!read) throw new Error(`values of NumPy type "${descr}" cannot be read`);
	return { kind: 'real', size, little, read };
}

/** For each C-order position, where the value sits in Fortran order. */
function fortranToC(shape: number[]): Uint32Array {
	const count = shape.reduce((a, b) => a * b, 1);
	const order = new Uint32Array(count);
	const index = new Array<number>(shape.length).fill(0);
	for (let c = 0; c < count; c += 1) {
		let f = 0;
		for (let d = shape.length - 1; d >= 0; d -= 1) f = f * shape[d]! + index[d]!;
		order[c] = f;
		for (let d = shape.length - 1; d >= 0; d -= 1) {
			index[d]! += 1;
			if (index[d]! < shape[d]!) break;
			index[d] = 0;
		}
	}
	return order;
}

function float16(bits: number): number {
	const sign = bits & 0x8000 ? -1 : 1;
	const exponent = (bits >> 10) & 0x1f;
	const fraction = bits & 0x3ff;
	if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
	if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
	return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** A fixed-width UTF-32 string, NUL-padded. */
function readUtf32(view: DataView, offset: number, size: number, little: boolean): string {
	let text = '';
	for (let o = offset; o < offset + size; o += 4) {
		const code = view.getUint32(o, little);
		if (code === 0) break;
		text += String.fromCodePoint(code);
	}
	return text;
}

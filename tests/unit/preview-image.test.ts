import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { heatmapImage } from '../../src/lib/server/preview-image';

/** The pixels of a PNG data URI as made by heatmapImage: rows top first, RGBA each. */
function pixels(uri: string, width: number): number[][][] {
	const file = Buffer.from(uri.replace('data:image/png;base64,', ''), 'base64');
	const data: Buffer[] = [];
	for (let at = 8; at < file.length;) {
		const length = file.readUInt32BE(at);
		if (file.toString('ascii', at + 4, at + 8) === 'IDAT')
			data.push(file.subarray(at + 8, at + 8 + length));
		at += 12 + length;
	}
	const raw = inflateSync(Buffer.concat(data));
	const rows: number[][][] = [];
	for (let at = 0; at < raw.length; at += 1 + width * 4) {
		rows.push(
			Array.from({ length: width }, (_, x) => [...raw.subarray(at + 1 + x * 4, at + 5 + x * 4)])
		);
	}
	return rows;
}

describe('heat map images', () => {
	// Cells row by row from the first y: (x0,y0)=0, (x1,y0)=254, (x0,y1)=none, (x1,y1)=127.
	const cells = Buffer.from([0, 254, 255, 127]).toString('base64');
	const transparent = [0, 0, 0, 0];

	it('puts the highest y on top and the lowest x on the left', () => {
		const [top, bottom] = pixels(heatmapImage(cells, 2, 2, { x: false, y: false }), 2);
		expect(top![0]).toEqual(transparent);
		expect(bottom![0]![2]).toBeGreaterThan(bottom![0]![1]!); // viridis starts dark violet
		expect(bottom![1]![1]).toBeGreaterThan(200); // and ends yellow
	});

	it('mirrors cells swept in descending order', () => {
		const [top, bottom] = pixels(heatmapImage(cells, 2, 2, { x: true, y: true }), 2);
		expect(bottom![1]).toEqual(transparent);
		expect(top![0]![1]).toBeGreaterThan(200);
	});
});

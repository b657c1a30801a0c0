/**
 * A heat map preview as a PNG (a data URI the page's SVG shows): each cell a pixel of the
 * viridis colour map, which stays readable for colour-blind readers and in dark mode; a cell
 * without a value is transparent. Encoded here, with Node's zlib: a few kilobytes for 200 × 200.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { ItemPreview } from '$lib/contract';
import type { PreviewView } from '$lib/preview-view';

/** Viridis as a polynomial in t (Matt Zucker's fit, CC0), within a shade of the table. */
const VIRIDIS = [
	[0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
	[0.1050930431085774, 1.404613529898575, 1.384590162594685],
	[-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
	[-4.634230498983486, -5.799100973351585, -19.33244095627987],
	[6.228269936347081, 14.17993336680509, 56.69055260068105],
	[4.776384997670288, -13.74514537774601, -65.35303263337234],
	[-5.435455855934631, 4.645852612178535, 26.3124352495832]
];

/** The colour of each byte value 0–254 (255: no value). */
const PALETTE = Array.from({ length: 255 }, (_, value) => {
	const t = value / 254;
	return [0, 1, 2].map((channel) => {
		const c = VIRIDIS.reduceRight((sum, coefficients) => sum * t + coefficients[channel]!, 0);
		return Math.round(Math.min(1, Math.max(0, c)) * 255);
	});
});

function chunk(type: string, data: Buffer): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

/** An RGBA PNG of `rows` (top row first), each a function of the column. */
function png(width: number, height: number, pixel: (row: number, column: number) => number[]) {
	const raw = Buffer.alloc(height * (1 + width * 4));
	for (let row = 0; row < height; row++) {
		const start = row * (1 + width * 4);
		raw[start] = 0; // no filter
		for (let column = 0; column < width; column++) {
			raw.set(pixel(row, column), start + 1 + column * 4);
		}
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
	const file = Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(raw)),
		chunk('IEND', Buffer.alloc(0))
	]);
	return `data:image/png;base64,${file.toString('base64')}`;
}

/**
 * The cells (row by row from the first y) as an image laid on axes that grow rightwards and
 * upwards: the highest y on top, the lowest x on the left, whichever way the data was swept.
 */
export function heatmapImage(
	cells: string,
	width: number,
	height: number,
	descending: { x: boolean; y: boolean }
): string {
	const bytes = Buffer.from(cells, 'base64');
	return png(width, height, (row, column) => {
		const y = descending.y ? row : height - 1 - row;
		const x = descending.x ? width - 1 - column : column;
		const value = bytes[y * width + x] ?? 255;
		return value === 255 ? [0, 0, 0, 0] : [...PALETTE[value]!, 255];
	});
}

/** Whether the values (cells' centres, some unknown) go down from first to last. */
function isDescending(values: (number | null)[]): boolean {
	const known = values.filter((value): value is number => value !== null);
	return known.length > 1 && known[0]! > known.at(-1)!;
}

/** The colour scale, highest value at the top. */
export const colorbarImage = png(1, 255, (row) => [...PALETTE[254 - row]!, 255]);

/** The preview as view data: a heat map's cells become its image. */
export function previewView(preview: ItemPreview): PreviewView {
	if (preview.plot.kind !== 'heatmap') return { ...preview, plot: preview.plot };
	const { cells, ...plot } = preview.plot;
	return {
		...preview,
		plot: {
			...plot,
			image: heatmapImage(cells, plot.width, plot.height, {
				x: isDescending(plot.x.values),
				y: isDescending(plot.y.values)
			}),
			colorbar: colorbarImage
		}
	};
}

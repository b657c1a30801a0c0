/**
 * A Quantify measurement in progress, as its own process: `dataset.hdf5` pre-filled with NaN,
 * then rewritten in place (truncated and written again, as Quantify's `to_netcdf` does) each
 * time a point is measured. Run with `node --import tsx tests/quantify-live-writer.ts <file>
 * <points> <interval ms> [<points to measure>]`; prints `measured <n>` after each rewrite and
 * exits once it has measured its points (all of them by default).
 */
import { writeXarrayHdf5 } from '../src/agent/files/xarray-hdf5';

/** The value measured at point `i` of `points`: what a test expects to find. */
export const measuredValue = (i: number) => Math.cos(i / 3);

/** The settable's value at point `i`. */
export const settableValue = (i: number) => i * 0.1;

/** Writes the dataset with the first `measured` of `points` filled, the rest NaN. */
export async function writeQuantifyDataset(file: string, points: number, measured: number) {
	const y0 = new Float64Array(points).fill(Number.NaN);
	for (let i = 0; i < measured; i++) y0[i] = measuredValue(i);
	await writeXarrayHdf5(file, {
		attributes: { tuid: '20260101-000000-000-abcdef', name: 'live sweep', grid_2d: 'False' },
		dimensions: [
			{
				name: 'x0',
				values: Float64Array.from({ length: points }, (_, i) => settableValue(i)),
				attributes: { long_name: 'Gate voltage', units: 'V' }
			}
		],
		variables: [
			{ name: 'y0', dims: ['x0'], values: y0, attributes: { long_name: 'Current', units: 'A' } }
		]
	});
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const [file, pointsText, intervalText, measureText] = process.argv.slice(2);
	const points = Number(pointsText);
	const interval = Number(intervalText);
	const measure = Number(measureText ?? points);
	await writeQuantifyDataset(file!, points, 0);
	console.log('measured 0');
	for (let measured = 1; measured <= measure; measured++) {
		await new Promise((resolve) => setTimeout(resolve, interval));
		await writeQuantifyDataset(file!, points, measured);
		console.log(`measured ${measured}`);
	}
}

/** Geometry of the plots (previews, history charts): scales, round ticks, a min/max line. */

/** Maps [min, max] onto [from, to] (a single value onto the middle). */
export function scale(min: number, max: number, from: number, to: number) {
	const span = max - min;
	return (value: number) =>
		span === 0 ? (from + to) / 2 : from + ((value - min) / span) * (to - from);
}

/** About `count` round values between min and max (1, 2 or 5 times a power of ten apart). */
export function ticks(min: number, max: number, count = 5): number[] {
	if (!(max > min)) return [min];
	const rough = (max - min) / count;
	const power = 10 ** Math.floor(Math.log10(rough));
	const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
	const first = Math.ceil(min / step) * step;
	return Array.from(
		{ length: Math.floor((max - first) / step + 1e-9) + 1 },
		(_, i) => first + i * step
	);
}

/** A tick value as a label: short, without float noise. */
export function tickLabel(value: number): string {
	if (value === 0) return '0';
	const abs = Math.abs(value);
	const rounded = Number(value.toPrecision(6));
	return abs >= 1e5 || abs < 1e-3 ? rounded.toExponential() : String(rounded);
}

/**
 * The outline of a line drawn as its lowest and highest value per column: one closed shape
 * per run of columns with values, along the highs and back along the lows.
 */
export function envelope(
	x: (number | null)[],
	low: (number | null)[],
	high: (number | null)[],
	sx: (v: number) => number,
	sy: (v: number) => number
): string {
	const runs: number[][] = [];
	let run: number[] = [];
	x.forEach((xi, i) => {
		if (xi === null || low[i] === null || high[i] === null) {
			if (run.length) runs.push(run);
			run = [];
		} else run.push(i);
	});
	if (run.length) runs.push(run);
	const point = (i: number, y: number) => `${sx(x[i]!).toFixed(1)},${sy(y).toFixed(1)}`;
	return runs
		.map((indices) => {
			const top = indices.map((i) => point(i, high[i]!));
			const bottom = indices.reverse().map((i) => point(i, low[i]!));
			return `M${[...top, ...bottom].join('L')}Z`;
		})
		.join('');
}

/** An axis title: its long name (else its name), with its units. */
export function axisTitle(axis: { name: string; long_name: string | null; units: string | null }) {
	return `${axis.long_name ?? axis.name}${axis.units ? ` (${axis.units})` : ''}`;
}

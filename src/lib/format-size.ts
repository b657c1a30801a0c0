const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const formats = units.map(
	(unit) =>
		new Intl.NumberFormat('en', {
			style: 'unit',
			unit,
			unitDisplay: unit === 'byte' ? 'long' : 'short',
			maximumFractionDigits: unit === 'byte' ? 0 : 1
		})
);

/** 1234567 → "1.2 MB" (decimal units, as file managers show them). */
export function formatSize(bytes: number): string {
	let value = bytes;
	let step = 0;
	while (value >= 1000 && step < units.length - 1) {
		value /= 1000;
		step += 1;
	}
	return formats[step]!.format(value);
}

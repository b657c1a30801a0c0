const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat('en-GB', {
	dateStyle: 'medium',
	timeStyle: 'medium'
});

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
	['second', 60],
	['minute', 60],
	['hour', 24],
	['day', 30],
	['month', 12],
	['year', Infinity]
];

/**
 * "3 min ago", "in 2 hours": for times that are read at a glance. A time that has happened (an
 * update, an error) is never shown ahead of `now`: that only means the clock it came from runs
 * ahead, or `now` was read a moment before it arrived. Only a time that may lie ahead (a next
 * attempt) says `future`.
 */
export function formatRelative(iso: string, now = Date.now(), future = false): string {
	let amount = (Date.parse(iso) - now) / 1000;
	if (!future) amount = Math.min(amount, 0);
	// A few seconds either way is clock skew between the agent, the server and the browser.
	if (Math.abs(amount) < 5) return relative.format(0, 'second');
	for (const [unit, size] of steps) {
		if (Math.abs(amount) < size) {
			return relative.format(Math.round(amount), unit);
		}
		amount /= size;
	}
	return relative.format(Math.round(amount), 'year');
}

/** The exact time, shown on hover and in tables where it matters. */
export function formatAbsolute(iso: string): string {
	return absolute.format(new Date(iso));
}

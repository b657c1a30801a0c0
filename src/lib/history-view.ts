/**
 * The sync history as the charts show it: the time range in the URL (`?history=7d`), the
 * sync API query for it, and each chart's bars with their labels and links.
 */
import type { HistoryBucket, HistoryBucketSize, HistoryQuery, SyncHistory } from '$lib/contract';
import { BUCKET_MS } from '$lib/contract/constants';
import { formatSize } from '$lib/format-size';
import { withQuery } from '$lib/urls';

export const historyRanges = [
	{ value: '24h', label: '24 hours', bucket: 'hour', hours: 24 },
	{ value: '7d', label: '7 days', bucket: 'hour', hours: 7 * 24 },
	{ value: '30d', label: '30 days', bucket: 'day', hours: 30 * 24 }
] as const satisfies { value: string; label: string; bucket: HistoryBucketSize; hours: number }[];

export type HistoryRange = (typeof historyRanges)[number]['value'];

/** The range a URL asks for; the last 24 hours unless it names another. */
export function readHistoryRange(url: URL): HistoryRange {
	const asked = url.searchParams.get('history');
	return historyRanges.find((range) => range.value === asked)?.value ?? '24h';
}

/**
 * The sync API query of a range, on this server's clock (the lab's: days start at its
 * midnight): the buckets up to now, the current one included.
 */
export function historyQuery(range: HistoryRange, sourceId?: number, now = new Date()) {
	const { bucket, hours } = historyRanges.find((r) => r.value === range)!;
	// The current bucket is the last: the range starts that many buckets before it.
	const buckets = (hours * 3_600_000) / BUCKET_MS[bucket];
	return {
		bucket,
		since: new Date(now.getTime() - (buckets - 1) * BUCKET_MS[bucket]).toISOString(),
		source_id: sourceId,
		utc_offset_minutes: -now.getTimezoneOffset()
	} satisfies HistoryQuery;
}

export interface Bar {
	start: string;
	/** The bucket's time as the hidden table and a bar's name say it. */
	label: string;
	value: number;
	/** For a failure bar: the search of the items that failed then. */
	href: string | null;
}

export interface Chart {
	title: string;
	unit: 'count' | 'bytes' | 'ms';
	bars: Bar[];
	/** Axis labels under the bars: an index into `bars` and its text. */
	marks: { at: number; text: string }[];
}

export interface HistoryView {
	/** Every range's link: this page's URL with its `history`. */
	ranges: { label: string; href: string; current: boolean }[];
	charts: Chart[];
	keptDays: number;
	/** The range reaches further back than history is kept. */
	beyondKept: boolean;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A bucket's time on this server's clock: `14:00`, `Mon 14:00` or `Mon 3 Nov`. */
function timeLabel(start: Date, bucket: HistoryBucketSize, withDay: boolean): string {
	const day = start.toLocaleDateString('en-GB', {
		weekday: 'short',
		day: 'numeric',
		month: 'short'
	});
	const time = `${pad(start.getHours())}:${pad(start.getMinutes())}`;
	if (bucket === 'day') return day;
	return withDay ? `${day} ${time}` : time;
}

/** About six marks along the axis, on round hours or days. */
function marksOf(starts: Date[], bucket: HistoryBucketSize): Chart['marks'] {
	const every = bucket === 'day' ? 5 : starts.length <= 24 ? 6 : 24;
	return starts.flatMap((start, at) => {
		const round = bucket === 'day' ? start.getDate() % every === 1 : start.getHours() % every === 0;
		if (!round) return [];
		const text =
			bucket === 'day'
				? start.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' })
				: every === 24
					? start.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric' })
					: `${pad(start.getHours())}:00`;
		return [{ at, text }];
	});
}

/**
 * The charts of a history: datasets synced, data synced and failures per bucket, or (`cycles`)
 * how long the agent's cycles took. `itemsPath` is where failure bars lead (`/items`, or a
 * source's items).
 */
export function historyView(
	history: SyncHistory,
	url: URL,
	options: { itemsPath: string; cycles?: boolean }
): HistoryView {
	const range = readHistoryRange(url);
	// Form actions (`?/stopAgent`, where a form without JavaScript posted) are not carried over.
	const ranges = historyRanges.map(({ value, label }) => ({
		label,
		href: withQuery(url, { history: value === '24h' ? null : value }),
		current: value === range
	}));
	const size = BUCKET_MS[history.bucket];
	const starts = history.buckets.map((bucket) => new Date(bucket.start));
	const withDay = range !== '24h';
	const bars = (value: (bucket: HistoryBucket) => number, failures = false): Bar[] =>
		history.buckets.map((bucket, i) => {
			const end = new Date(starts[i]!.getTime() + size).toISOString();
			const v = value(bucket);
			const search = new URLSearchParams({ failed_since: bucket.start, failed_until: end });
			return {
				start: bucket.start,
				label: timeLabel(starts[i]!, history.bucket, withDay),
				value: v,
				href: failures && v > 0 ? `${options.itemsPath}?${search}` : null
			};
		});
	const per = history.bucket === 'day' ? 'per day' : 'per hour';
	const marks = marksOf(starts, history.bucket);
	const charts: Chart[] = options.cycles
		? [
				{
					title: `Cycle duration, mean ${per}`,
					unit: 'ms',
					bars: bars((bucket) => Math.round(bucket.cycle_ms_mean ?? 0)),
					marks
				},
				{ title: `Cycles ${per}`, unit: 'count', bars: bars((bucket) => bucket.cycles), marks }
			]
		: [
				{ title: `Datasets synced ${per}`, unit: 'count', bars: bars((b) => b.synced), marks },
				{ title: `Data synced ${per}`, unit: 'bytes', bars: bars((b) => b.bytes), marks },
				{ title: `Failures ${per}`, unit: 'count', bars: bars((b) => b.failed, true), marks }
			];
	const { hours } = historyRanges.find((r) => r.value === range)!;
	return {
		ranges,
		charts,
		keptDays: history.kept_days,
		beyondKept: hours / 24 > history.kept_days
	};
}

/** A value as the axis and the table say it, in the chart's unit. */
export function formatValue(value: number, unit: Chart['unit']): string {
	if (unit === 'ms') return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${value} ms`;
	return unit === 'bytes' ? formatSize(value) : String(value);
}

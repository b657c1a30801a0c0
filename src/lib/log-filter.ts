import type { LogRecord } from '$lib/contract';

/** The log page's `?filter=`: records whose text holds it, ignoring case. */
export function matchesFilter(record: LogRecord, filter: string): boolean {
	return !filter || record.text.toLowerCase().includes(filter.toLowerCase());
}

import type { LogRecord } from '$lib/contract';

/** Levels by rank: a filter shows its level and the ones above. */
const LEVELS: LogRecord['level'][] = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'];

/** The log page's level choices; INFO and up unless the URL (`?level=`) says otherwise. */
export const levelOptions = [
	{ value: 'DEBUG', label: 'Debug and up' },
	{ value: 'INFO', label: 'Info and up' },
	{ value: 'WARNING', label: 'Warnings and errors' },
	{ value: 'ERROR', label: 'Errors' }
] as const;

export type LevelFilter = (typeof levelOptions)[number]['value'];

export const DEFAULT_LEVEL: LevelFilter = 'INFO';

export function readLevel(url: URL): LevelFilter {
	const asked = url.searchParams.get('level')?.toUpperCase();
	return levelOptions.find((option) => option.value === asked)?.value ?? DEFAULT_LEVEL;
}

export interface LogFilter {
	/** Records whose text holds it, ignoring case; '' for any. */
	text: string;
	/** The lowest level shown. */
	level: LevelFilter;
}

/** Whether a record passes the log page's filters (`?filter=` and `?level=`). */
export function matchesFilter(record: LogRecord, { text, level }: LogFilter): boolean {
	if (LEVELS.indexOf(record.level) < LEVELS.indexOf(level)) return false;
	return !text || record.text.toLowerCase().includes(text.toLowerCase());
}

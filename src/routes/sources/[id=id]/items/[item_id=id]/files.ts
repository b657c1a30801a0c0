import type { SyncFileStatus } from '$lib/contract';

/** How the item page words a file's status. */
export const fileStatusLabels: Record<SyncFileStatus, string> = {
	OK: 'OK',
	ERROR: 'error',
	SKIPPED: 'skipped'
};

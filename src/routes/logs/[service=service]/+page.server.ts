import type { LogRecord, LogService } from '$lib/contract';
import { matchesFilter, readLevel } from '$lib/log-filter';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { toEvents } from '$lib/server/sync-api/live/log-hub';
import { SyncApiError } from '$lib/server/sync-api/sync-api-error';
import type { PageServerLoad } from './$types';

const AROUND_MS = 2 * 60 * 1000;

export const load: PageServerLoad = async ({ params, url }) => {
	const service = params.service as LogService;
	const filter = url.searchParams.get('filter')?.trim() ?? '';
	const level = readLevel(url);
	const requested = Number(url.searchParams.get('n') ?? 500);
	const n = Number.isInteger(requested) && requested > 0 ? Math.min(requested, 5000) : 500;
	// `?around=<time>` (from an error): the records of the two minutes either side of it.
	const around = Date.parse(url.searchParams.get('around') ?? '');
	try {
		const tail = await syncApi(url).tailLog({ service, n: Number.isNaN(around) ? n : -1 });
		const near = (record: LogRecord) =>
			Number.isNaN(around) || Math.abs(Date.parse(record.time) - around) <= AROUND_MS;
		// Each record's end position is taken before filtering: it is where the log continues.
		const events = toEvents(tail.records, tail.next).filter(
			({ record }) => near(record) && matchesFilter(record, { text: filter, level })
		);
		return {
			service,
			events,
			next: tail.next,
			filter,
			level,
			n,
			around: Number.isNaN(around) ? null : new Date(around).toISOString(),
			missing: false
		};
	} catch (failure) {
		if (failure instanceof SyncApiError && failure.code === 'LogFileNotFound') {
			// Not written yet: follow it from its very start once it is.
			return { service, events: [], next: '0:0', filter, level, n, around: null, missing: true };
		}
		return pageError(failure);
	}
};

import type { LogService } from '$lib/contract';
import { LogPosition } from '$lib/contract';
import { currentAgent } from '$lib/server/sync-api/configured';
import { hubsOf } from '$lib/server/sync-api/live/hubs';
import { sseResponse } from '$lib/server/sync-api/live/sse-response';
import type { RequestHandler } from './$types';

/**
 * `GET /logs/<service>/stream`: the service's log as server-sent events, one event per record,
 * resuming after `Last-Event-ID` (or `?after=`, for the first connection after a page load).
 */
export const GET: RequestHandler = ({ params, request, url, getClientAddress }) => {
	const service = params.service as LogService;
	const resume = request.headers.get('last-event-id') ?? url.searchParams.get('after');
	const after = resume && LogPosition.safeParse(resume).success ? resume : null;
	const hub = hubsOf(currentAgent(url)).logs[service];
	return sseResponse({
		client: getClientAddress(),
		signal: request.signal,
		subscribe: (send) =>
			hub.subscribe(
				{
					records: (events) => {
						for (const event of events) send({ id: event.id, data: event.record });
					},
					gap: () => send({ event: 'gap', data: { message: 'Older records were rotated away' } }),
					state: (state) => send({ event: 'state', data: state })
				},
				after
			)
	});
};

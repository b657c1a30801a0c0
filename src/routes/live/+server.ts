import { statusHub } from '$lib/server/sync-api/live/hubs';
import { sseResponse } from '$lib/server/sync-api/live/sse-response';
import type { RequestHandler } from './$types';

/** `GET /live`: the agent and source status as server-sent events, whenever it changes. */
export const GET: RequestHandler = ({ request, getClientAddress }) =>
	sseResponse({
		client: getClientAddress(),
		signal: request.signal,
		subscribe: (send) => statusHub.subscribe((update) => send({ event: 'status', data: update }))
	});

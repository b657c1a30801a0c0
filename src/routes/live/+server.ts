import { currentAgent } from '$lib/server/sync-api/configured';
import { hubsOf } from '$lib/server/sync-api/live/hubs';
import { sseResponse } from '$lib/server/sync-api/live/sse-response';
import type { RequestHandler } from './$types';

/** `GET /live` on an agent's address: its status and its sources', as server-sent events, when they change. */
export const GET: RequestHandler = ({ request, getClientAddress }) => {
	const hub = hubsOf(currentAgent()).status;
	return sseResponse({
		client: getClientAddress(),
		signal: request.signal,
		subscribe: (send) => hub.subscribe((update) => send({ event: 'status', data: update }))
	});
};

import { error } from '@sveltejs/kit';
import { isLab } from '$lib/server/sync-api/configured';
import { hubsOf, labHub } from '$lib/server/sync-api/live/hubs';
import { sseResponse } from '$lib/server/sync-api/live/sse-response';
import type { RequestHandler } from './$types';

/**
 * `GET /live` on an agent's address: its status and its sources', as server-sent events
 * (`status`), when they change. On a lab's own address: every agent's row (`lab`).
 */
export const GET: RequestHandler = ({ request, getClientAddress, locals }) => {
	const agent = locals.agent;
	if (!agent && !isLab) error(404, 'No agent here');
	return sseResponse({
		client: getClientAddress(),
		signal: request.signal,
		subscribe: (send) =>
			agent
				? hubsOf(agent).status.subscribe((update) => send({ event: 'status', data: update }))
				: labHub.subscribe((update) => send({ event: 'lab', data: update }))
	});
};

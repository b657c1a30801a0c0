import { error } from '@sveltejs/kit';
import type { LogService } from '$lib/contract';
import { LogPosition } from '$lib/contract';
import { logHubs } from '$lib/server/live/hubs';
import type { LogEvent } from '$lib/server/live/log-hub';
import { SSE_HEADERS, sseComment, sseEvent } from '$lib/server/live/sse';
import type { RequestHandler } from './$types';

const HEARTBEAT_MS = 15_000;
/** Events a client may leave unread before it is dropped: a paused tab or a slow link. */
const QUEUE_LIMIT = 2000;
const STREAMS_PER_CLIENT = 8;
const openStreams = new Map<string, number>();

/**
 * `GET /logs/<service>/stream`: the service's log as server-sent events, one event per record,
 * resuming after `Last-Event-ID` (or `?after=`, for the first connection after a page load).
 */
export const GET: RequestHandler = async ({ params, request, url, getClientAddress }) => {
	const service = params.service as LogService;
	const resume = request.headers.get('last-event-id') ?? url.searchParams.get('after');
	const after = resume && LogPosition.safeParse(resume).success ? resume : null;
	const client = getClientAddress();
	if ((openStreams.get(client) ?? 0) >= STREAMS_PER_CLIENT) {
		error(429, { message: `At most ${STREAMS_PER_CLIENT} log streams per client` });
	}
	openStreams.set(client, (openStreams.get(client) ?? 0) + 1);

	let release = () => {};
	const stream = new ReadableStream<Uint8Array>(
		{
			async start(controller) {
				let closed = false;
				// Replaced by the hub's unsubscribe once subscribed.
				const subscription = { stop: () => {} };
				// Keeps an idle connection open through proxies and browsers.
				const heartbeat = setInterval(() => send(sseComment('ping')), HEARTBEAT_MS);
				const close = () => {
					if (closed) return;
					closed = true;
					clearInterval(heartbeat);
					request.signal.removeEventListener('abort', close);
					subscription.stop();
					const left = (openStreams.get(client) ?? 1) - 1;
					if (left > 0) openStreams.set(client, left);
					else openStreams.delete(client);
					try {
						controller.close();
					} catch {
						// already closed by the other side
					}
				};
				release = close;
				const send = (chunk: Uint8Array) => {
					if (closed) return;
					if ((controller.desiredSize ?? 1) <= 0) return close();
					controller.enqueue(chunk);
				};
				// Flush the headers at once.
				send(sseComment('log stream'));
				request.signal.addEventListener('abort', close);
				subscription.stop = await logHubs[service].subscribe(
					{
						records: (events: LogEvent[]) => {
							for (const event of events) send(sseEvent({ id: event.id, data: event.record }));
						},
						gap: () =>
							send(
								sseEvent({ event: 'gap', data: { message: 'Older records were rotated away' } })
							),
						state: (state) => send(sseEvent({ event: 'state', data: state }))
					},
					after
				);
				if (closed) subscription.stop();
			},
			cancel() {
				release();
			}
		},
		new CountQueuingStrategy({ highWaterMark: QUEUE_LIMIT })
	);
	return new Response(stream, { headers: SSE_HEADERS });
};

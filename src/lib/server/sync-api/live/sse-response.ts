import { error } from '@sveltejs/kit';
import { SSE_HEADERS, sseComment, sseEvent } from './sse';

const HEARTBEAT_MS = 15_000;
/** Events a client may leave unread before it is dropped: a paused tab or a slow link. */
const QUEUE_LIMIT = 2000;
const STREAMS_PER_CLIENT = 8;
const openStreams = new Map<string, number>();

/** Live streams open now, of every client (the metrics' SSE clients). */
export function openStreamCount(): number {
	let count = 0;
	for (const streams of openStreams.values()) count += streams;
	return count;
}

export type Send = (message: { event?: string; id?: string; data: unknown }) => void;

/**
 * A server-sent event stream: headers flushed at once, a heartbeat while idle, a bounded
 * queue (a client that stops reading is dropped, so memory stays flat), at most a few streams
 * per client address (429 past that), and everything released when the client goes away.
 */
export function sseResponse(options: {
	client: string;
	signal: AbortSignal;
	/** Starts sending; returns how to stop. */
	subscribe(send: Send): Promise<() => void> | (() => void);
}): Response {
	const { client } = options;
	if ((openStreams.get(client) ?? 0) >= STREAMS_PER_CLIENT) {
		error(429, { message: `At most ${STREAMS_PER_CLIENT} live streams per client` });
	}
	openStreams.set(client, (openStreams.get(client) ?? 0) + 1);

	let release = () => {};
	const stream = new ReadableStream<Uint8Array>(
		{
			async start(controller) {
				let closed = false;
				// Replaced by the subscription's own stop once subscribed.
				const subscription = { stop: () => {} };
				const enqueue = (chunk: Uint8Array) => {
					if (closed) return;
					if ((controller.desiredSize ?? 1) <= 0) return close();
					controller.enqueue(chunk);
				};
				const heartbeat = setInterval(() => enqueue(sseComment('ping')), HEARTBEAT_MS);
				const close = () => {
					if (closed) return;
					closed = true;
					clearInterval(heartbeat);
					options.signal.removeEventListener('abort', close);
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
				enqueue(sseComment('stream open'));
				options.signal.addEventListener('abort', close);
				subscription.stop = await options.subscribe((message) => enqueue(sseEvent(message)));
				if (closed) subscription.stop();
			},
			cancel() {
				release();
			}
		},
		new CountQueuingStrategy({ highWaterMark: QUEUE_LIMIT })
	);
	return new Response(stream, { headers: SSE_HEADERS });
}

const encoder = new TextEncoder();

/** One server-sent event; `data` is sent as JSON on one line. */
export function sseEvent(message: { event?: string; id?: string; data: unknown }): Uint8Array {
	let text = '';
	if (message.event) text += `event: ${message.event}\n`;
	if (message.id) text += `id: ${message.id}\n`;
	text += `data: ${JSON.stringify(message.data)}\n\n`;
	return encoder.encode(text);
}

/** A comment line: keeps idle connections open through proxies, and opens the stream. */
export function sseComment(text: string): Uint8Array {
	return encoder.encode(`: ${text}\n\n`);
}

export const SSE_HEADERS = {
	'content-type': 'text/event-stream; charset=utf-8',
	'cache-control': 'no-cache, no-transform',
	connection: 'keep-alive',
	// Tell reverse proxies (nginx) not to buffer the stream.
	'x-accel-buffering': 'no'
};

import { isHttpError } from '@sveltejs/kit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sseResponse, type Send } from '$lib/server/sync-api/live/sse-response';

const decoder = new TextDecoder();

function open(client = '10.0.0.1') {
	const stop = vi.fn();
	let send!: Send;
	const controller = new AbortController();
	const response = sseResponse({
		client,
		signal: controller.signal,
		subscribe: (s) => {
			send = s;
			return stop;
		}
	});
	const reader = response.body!.getReader();
	const next = async () => decoder.decode((await reader.read()).value);
	return {
		response,
		reader,
		next,
		stop,
		send: (...args: Parameters<Send>) => send(...args),
		abort: () => controller.abort()
	};
}

afterEach(() => {
	vi.useRealTimers();
});

describe('server-sent event responses', () => {
	it('open at once with a comment, then carry events', async () => {
		const stream = open();
		expect(stream.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
		expect(await stream.next()).toBe(': stream open\n\n');
		await vi.waitFor(() => stream.send({ event: 'state', id: '1:10', data: 'live' }));
		expect(await stream.next()).toBe('event: state\nid: 1:10\ndata: "live"\n\n');
		await stream.reader.cancel();
		expect(stream.stop).toHaveBeenCalledOnce();
	});

	it('send a heartbeat comment every 15 s while idle', async () => {
		vi.useFakeTimers();
		const stream = open('10.0.0.2');
		await stream.next();
		await vi.advanceTimersByTimeAsync(15_000);
		expect(await stream.next()).toBe(': ping\n\n');
		await stream.reader.cancel();
		// Cancelled: no timer is left behind.
		expect(vi.getTimerCount()).toBe(0);
	});

	it('refuse a ninth stream from one client with 429, and count a closed one out', async () => {
		const streams = Array.from({ length: 8 }, () => open('10.0.0.3'));
		let refused: unknown;
		try {
			open('10.0.0.3');
		} catch (error) {
			refused = error;
		}
		expect(isHttpError(refused, 429)).toBe(true);
		expect(() => open('10.0.0.4')).not.toThrow();
		streams[0]!.abort();
		await vi.waitFor(() => expect(streams[0]!.stop).toHaveBeenCalled());
		expect(() => open('10.0.0.3')).not.toThrow();
	});

	it('drop a client that stops reading, releasing its subscription', async () => {
		const stream = open('10.0.0.5');
		await vi.waitFor(() => stream.send({ data: 0 }));
		for (let i = 1; i <= 2100; i++) stream.send({ data: i });
		expect(stream.stop).toHaveBeenCalledOnce();
	});
});

import { once } from 'node:events';
import http from 'node:http';
import type net from 'node:net';

/**
 * How the sync API misbehaves: `refuse` drops the connection, `hang` never answers, the others
 * answer 200 with something the contract does not allow, or 503.
 */
export type Fault =
	'none' | 'refuse' | 'hang' | 'not-json' | 'html' | 'off-contract' | 'unavailable';

export interface FaultProxy {
	url: string;
	/** What every request gets from now on. */
	fault: Fault;
	/** Paths answered 404, as a sync API without those operations would (e.g. the Python agent's). */
	without: RegExp | null;
	/** Every request that reached the sync API's address, in order. */
	readonly requests: { method: string; path: string }[];
	close(): Promise<void>;
}

/**
 * Stands where the dashboard expects the sync API: forwards to the real one, records every
 * request, and on demand fails in one of the ways a real one can.
 */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
	const requests: FaultProxy['requests'] = [];
	const sockets = new Set<net.Socket>();
	const proxy: FaultProxy = {
		url: '',
		fault: 'none',
		without: null,
		requests,
		async close() {
			for (const socket of sockets) socket.destroy();
			server.close();
			await once(server, 'close');
		}
	};
	const server = http.createServer((req, res) => {
		requests.push({ method: req.method!, path: req.url! });
		if (proxy.without?.test(req.url!)) {
			const body = { error: { code: 'NotFound', message: `No route for ${req.url}`, details: [] } };
			return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(body));
		}
		switch (proxy.fault) {
			case 'refuse':
				return req.socket.destroy();
			case 'hang':
				return;
			case 'not-json':
				return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status": ');
			case 'html':
				return res
					.writeHead(200, { 'content-type': 'text/html' })
					.end('<html><body>Proxy error page</body></html>');
			case 'off-contract':
				return res
					.writeHead(200, { 'content-type': 'application/json' })
					.end('{"unexpected": true}');
			case 'unavailable':
				return res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
		}
		const forwarded = http.request(
			`${target}${req.url}`,
			{ method: req.method, headers: req.headers },
			(answer) => {
				res.writeHead(answer.statusCode!, answer.headers);
				answer.pipe(res);
			}
		);
		forwarded.on('error', () => res.destroy());
		req.pipe(forwarded);
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	proxy.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
	return proxy;
}

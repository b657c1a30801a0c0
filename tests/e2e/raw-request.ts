import http from 'node:http';
import type { Stack } from './stack';

export interface RawRequest {
	method?: string;
	/** Sent as is: not normalised, not encoded. */
	path: string;
	/** `host` defaults to the dashboard's, `origin` (on POST) to the dashboard's origin. */
	headers?: Record<string, string | undefined>;
	body?: string | Buffer;
}

export interface Answer {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: string;
}

/** A request as an attacker or a broken client sends it: any Host, Origin and path. */
export function send(stack: Stack, request: RawRequest): Promise<Answer> {
	const url = new URL(stack.dashboardUrl);
	const method = request.method ?? 'GET';
	const headers: Record<string, string> = { host: url.host, accept: 'text/html' };
	if (method === 'POST') headers.origin = url.origin;
	for (const [name, value] of Object.entries(request.headers ?? {})) {
		if (value === undefined) delete headers[name];
		else headers[name] = value;
	}
	return new Promise((resolve, reject) => {
		const outgoing = http.request(
			{ host: url.hostname, port: url.port, method, path: request.path, headers },
			(response) => {
				let body = '';
				response.setEncoding('utf8');
				response.on('data', (chunk: string) => {
					body += chunk;
					// A stream never ends: its first event is enough.
					if (response.headers['content-type']?.startsWith('text/event-stream')) {
						response.destroy();
						resolve({ status: response.statusCode!, headers: response.headers, body });
					}
				});
				response.on('end', () =>
					resolve({ status: response.statusCode!, headers: response.headers, body })
				);
			}
		);
		outgoing.on('error', reject);
		outgoing.end(request.body);
	});
}

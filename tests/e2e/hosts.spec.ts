import http from 'node:http';
import { expect, test } from './fixtures';

/** A raw request with any Host header (fetch and browsers will not send a forged one). */
function get(
	url: string,
	host: string,
	method = 'GET'
): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
	return new Promise((resolve, reject) => {
		const request = http.request(
			url,
			{
				method,
				headers: {
					host,
					'content-type': 'application/x-www-form-urlencoded',
					origin: `http://${host}`
				}
			},
			(response) => {
				response.resume();
				resolve({ status: response.statusCode!, headers: response.headers });
			}
		);
		request.on('error', reject);
		request.end(method === 'POST' ? '' : undefined);
	});
}

test('a foreign Host gets 403 before any page, action or stream; loopback names are answered', async ({
	stack
}) => {
	const base = stack.dashboardUrl;
	expect((await get(`${base}/`, 'evil.example')).status).toBe(403);
	expect((await get(`${base}/logs/sync_agent/stream`, 'evil.example:80')).status).toBe(403);
	expect((await get(`${base}/?/stopAgent`, 'evil.example', 'POST')).status).toBe(403);
	const agent = await (await fetch(`${stack.syncApiUrl}/api/v1/agent/status`)).json();
	expect(agent.agent_service).toBe('running');

	const port = new URL(base).port;
	for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
		const answer = await get(`${base}/`, host);
		expect(answer.status, host).toBe(200);
		expect(answer.headers['x-content-type-options']).toBe('nosniff');
		expect(answer.headers['referrer-policy']).toBe('same-origin');
		expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
	}
});

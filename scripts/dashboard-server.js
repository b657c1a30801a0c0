/**
 * Serves the built dashboard (adapter-node's handler) over plain HTTP.
 *
 * adapter-node takes a request's origin to be `https://<Host>` unless ORIGIN is set, which
 * would make SvelteKit's CSRF check refuse every form posted to a plain-HTTP dashboard at
 * http://localhost:3000. This server speaks plain HTTP only, so it states the protocol itself;
 * with ORIGIN set (a LAN or proxied deployment) adapter-node uses ORIGIN and ignores it.
 */
import http from 'node:http';
import compression from 'compression';

process.env.PROTOCOL_HEADER = 'x-forwarded-proto';
// The build to serve: `build/` unless another is named (the tests also run a staging build).
const buildDir = process.argv[2] ?? 'build';
const built = new URL(`../${buildDir}/handler.js`, import.meta.url).href;
/** @type {{ handler: (req: http.IncomingMessage, res: http.ServerResponse, next: () => void) => void }} */
const { handler } = await import(built);

const host = process.env.HOST || '127.0.0.1';
const port = Number(process.env.PORT || 3000);

// Pages and page data go out gzipped (a list page is ~100 KB of HTML, ~8 KB compressed): it
// matters on a lab network. Event streams are left alone, or records would wait in the
// compressor instead of reaching the browser.
const compress = compression({
	// Fastest level: a dynamic page is compressed anew on every request.
	level: 1,
	filter: (req, res) =>
		!String(res.getHeader('content-type')).startsWith('text/event-stream') &&
		compression.filter(req, res)
});

const server = http.createServer((req, res) => {
	req.headers['x-forwarded-proto'] = 'http';
	// compression is typed for Express; it only uses what Node's request and response have.
	compress(/** @type {any} */ (req), /** @type {any} */ (res), () =>
		handler(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		})
	);
});

// A response whose client has not read anything for this long is dropped: a paused tab or a
// dead link on a live stream would otherwise hold its socket and buffers forever.
const STALLED_MS = 30_000;
const CHECK_MS = 5_000;
/** @type {Map<http.ServerResponse, number>} response → since when its buffer has been full */
const responses = new Map();
server.on('request', (_req, res) => {
	responses.set(res, 0);
	res.on('close', () => responses.delete(res));
});
setInterval(() => {
	const now = Date.now();
	for (const [res, since] of responses) {
		if (!res.writableNeedDrain) responses.set(res, 0);
		else if (!since) responses.set(res, now);
		else if (now - since >= STALLED_MS) res.destroy();
	}
}, CHECK_MS).unref();

server.listen(port, host, () => {
	const { address, port: bound } = /** @type {import('node:net').AddressInfo} */ (server.address());
	console.log(`Dashboard listening on http://${address}:${bound}`);
});

function shutdown() {
	server.close(() => process.exit(0));
	server.closeIdleConnections();
	// Open event streams would hold the close forever.
	setTimeout(() => process.exit(0), 3000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

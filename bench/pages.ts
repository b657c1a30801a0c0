/**
 * Page benchmark at lab scale: for each page, its latency on the dashboard and the latency of
 * the sync API calls its load makes (in parallel, as the load makes them), p50/p95 over
 * sequential requests after a warm-up; and what the page sends: HTML, and the JavaScript it
 * references, gzipped.
 */
import http from 'node:http';
import { gunzipSync, gzipSync } from 'node:zlib';
import { latency, type Latency } from './stats';

export interface PageCase {
	name: string;
	/** The dashboard page. */
	page: string;
	/** The sync API calls its load makes (cached ones, like the backend catalog, left out). */
	direct: string[];
}

export interface PageFigures {
	name: string;
	page: string;
	dashboard: Latency;
	direct: Latency;
	ratio: number;
	html_bytes: number;
	/** As sent: the dashboard gzips pages. */
	html_sent_bytes: number;
	js_gzip_bytes: number;
}

/** The pages of the debugging workflow, on the big source of a seeded lab. */
export async function labPages(
	syncApiUrl: string,
	lab: { bigSourceId: number; bigRecordItemId: number; query: string }
): Promise<PageCase[]> {
	const big = lab.bigSourceId;
	const items = `/api/v1/sources/${big}/items`;
	const source = `/api/v1/sources/${big}`;
	// 50 pages of 50 deep, following next_cursor as the Next link does.
	let cursor = '';
	for (let step = 0; step < 50; step++) {
		const page = (await getJson(`${syncApiUrl}${items}${cursor ? `?cursor=${cursor}` : ''}`)) as {
			next_cursor: string;
		};
		cursor = page.next_cursor;
	}
	const q = encodeURIComponent(lab.query);
	const overview = ['/api/v1/agent/status', '/api/v1/sources', '/api/v1/errors/counts'];
	return [
		{ name: 'overview', page: '/', direct: overview },
		{ name: 'sources', page: '/sources', direct: ['/api/v1/sources', '/api/v1/errors/counts'] },
		{
			name: 'big source',
			page: `/sources/${big}`,
			direct: [source, '/api/v1/scopes', '/api/v1/errors/counts']
		},
		{ name: 'items, first page', page: `/sources/${big}/items`, direct: [source, items] },
		{
			name: 'items, 50 pages deep',
			page: `/sources/${big}/items?cursor=${cursor}`,
			direct: [source, `${items}?cursor=${cursor}`]
		},
		{
			name: `items ?q=${lab.query}`,
			page: `/sources/${big}/items?q=${q}`,
			direct: [source, `${items}?query=${q}`]
		},
		{
			name: 'items ?synchronized=false',
			page: `/sources/${big}/items?synchronized=false`,
			direct: [source, `${items}?is_synchronized=false&is_missing=false`]
		},
		{
			name: `all items ?q=${lab.query}`,
			page: `/items?q=${q}`,
			direct: ['/api/v1/sources', `/api/v1/items?query=${q}`]
		},
		{
			name: 'item, 500 KB record, 20,000 files',
			page: `/sources/${big}/items/${lab.bigRecordItemId}`,
			direct: [
				source,
				`${items}/${lab.bigRecordItemId}`,
				`${items}/${lab.bigRecordItemId}/files?limit=100`
			]
		},
		{
			name: 'errors ?viewed=false',
			page: '/errors?viewed=false',
			direct: ['/api/v1/errors?viewed=false', '/api/v1/sources', '/api/v1/errors/counts']
		}
	];
}

async function getJson(url: string): Promise<unknown> {
	const response = await fetch(url);
	if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
	return response.json();
}

/** Fetches every URL at once and reads every body, as a load's Promise.all does; the time. */
async function timeFetches(urls: string[]): Promise<number> {
	const started = performance.now();
	await Promise.all(
		urls.map(async (url) => {
			const response = await fetch(url);
			await response.arrayBuffer();
			if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
		})
	);
	return performance.now() - started;
}

export async function timeMany(
	urls: string[],
	{ warmUp, requests }: { warmUp: number; requests: number }
) {
	for (let i = 0; i < warmUp; i++) await timeFetches(urls);
	const samples: number[] = [];
	for (let i = 0; i < requests; i++) samples.push(await timeFetches(urls));
	return latency(samples);
}

/**
 * The scripts a page loads: modulepreload links (in the HTML, or in the `Link` header where
 * SvelteKit puts them), script tags and the bootstrap's imports.
 */
function scriptUrls(html: string, link: string): string[] {
	const patterns = [
		/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g,
		/<script[^>]+src="([^"]+)"/g,
		/import\("([^"]+)"\)/g
	];
	const preloaded = [...link.matchAll(/<([^>]+)>; rel="modulepreload"/g)].map((m) => m[1]!);
	return [
		...new Set([
			...preloaded,
			...patterns.flatMap((pattern) => [...html.matchAll(pattern)].map((m) => m[1]!))
		])
	];
}

/** A page as a browser gets it (gzip accepted): the bytes on the wire, and the HTML. */
function fetchSent(url: URL): Promise<{ sent: number; html: string; link: string }> {
	return new Promise((resolve, reject) => {
		http
			.get(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
				const chunks: Buffer[] = [];
				response.on('data', (chunk: Buffer) => chunks.push(chunk));
				response.on('end', () => {
					const body = Buffer.concat(chunks);
					const gzipped = response.headers['content-encoding'] === 'gzip';
					resolve({
						sent: body.length,
						html: (gzipped ? gunzipSync(body) : body).toString(),
						link: String(response.headers.link ?? '')
					});
				});
			})
			.on('error', reject);
	});
}

async function pageSizes(dashboardUrl: string, page: string) {
	const url = new URL(page, dashboardUrl);
	const { sent, html, link } = await fetchSent(url);
	let js = 0;
	for (const script of scriptUrls(html, link)) {
		const body = await (await fetch(new URL(script, url))).arrayBuffer();
		js += gzipSync(Buffer.from(body)).length;
	}
	return { html_bytes: Buffer.byteLength(html), html_sent_bytes: sent, js_gzip_bytes: js };
}

/** Requests per figure: unmeasured first, then measured. */
export const runs = { warmUp: 20, requests: 200 };

export async function measurePages(
	urls: { syncApiUrl: string; dashboardUrl: string },
	cases: PageCase[]
): Promise<PageFigures[]> {
	const figures: PageFigures[] = [];
	for (const { name, page, direct: calls } of cases) {
		const direct = await timeMany(
			calls.map((call) => `${urls.syncApiUrl}${call}`),
			runs
		);
		const dashboard = await timeMany([`${urls.dashboardUrl}${page}`], runs);
		figures.push({
			name,
			page,
			dashboard,
			direct,
			ratio: dashboard.p50 / direct.p50,
			...(await pageSizes(urls.dashboardUrl, page))
		});
	}
	return figures;
}

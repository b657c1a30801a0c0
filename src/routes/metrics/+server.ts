import { error } from '@sveltejs/kit';
import { mayScrape } from '$lib/server/access/configured';
import { scrape } from '$lib/server/sync-api/metrics';
import type { RequestHandler } from './$types';

/**
 * `GET /metrics`: Prometheus' text format, for this computer and the configured scrapers
 * (`DASHBOARD_METRICS_SCRAPERS`); 403 for everyone else, signed in or not.
 */
export const GET: RequestHandler = async ({ getClientAddress }) => {
	const address = getClientAddress();
	if (!mayScrape(address))
		error(403, {
			message: `The metrics are for this computer and the configured scrapers; ${address} is neither (DASHBOARD_METRICS_SCRAPERS)`
		});
	const { body, contentType } = await scrape();
	return new Response(body, {
		headers: { 'content-type': contentType, 'cache-control': 'no-store' }
	});
};

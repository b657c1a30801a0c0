import { accessPolicy } from './policy';
import { auditTrail } from './audit';
import { hostAllowList } from './hosts';
import { scraperAllowList } from './scrapers';
import { settings } from '$lib/server/settings';

/**
 * The dashboard's access policy, Host allow-list, audit trail and metrics scrapers, built once
 * from settings.
 */
export const access = accessPolicy(settings);
export const audit = auditTrail(settings.dataDir);
export const allowedHost = hostAllowList({
	bind: settings.bind,
	origin: settings.origin,
	allowed: settings.allowedHosts
});
export const mayScrape = scraperAllowList(settings.metricsScrapers);

import { accessPolicy } from './policy';
import { auditTrail } from './audit';
import { hostAllowList } from './hosts';
import { settings } from '$lib/server/settings';

/** The dashboard's access policy, Host allow-list and audit trail, built once from settings. */
export const access = accessPolicy(settings);
export const audit = auditTrail(settings.dataDir);
export const allowedHost = hostAllowList({
	bind: settings.bind,
	origin: settings.origin,
	allowed: settings.allowedHosts
});

import { takeFlash } from '$lib/server/flash';
import { settings } from '$lib/server/settings';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ cookies, url, locals }) => {
	// Runs again on every navigation (it reads the URL), so a flash shows on one page only.
	void url.pathname;
	return {
		syncApiUrl: settings.syncApiUrl,
		cycleSeconds: settings.cycleSeconds,
		flash: takeFlash(cookies),
		access: { role: locals.access.role, mode: locals.access.mode }
	};
};

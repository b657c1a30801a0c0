import { takeFlash } from '$lib/server/flash';
import { agents, isLab } from '$lib/server/sync-api/configured';
import { settings } from '$lib/server/settings';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = ({ cookies, url, locals }) => {
	// Runs again on every navigation (it reads the URL), so a flash shows on one page only.
	void url.pathname;
	const agent = locals.agent;
	return {
		thisAgent: agent ? { name: agent.name, base: agent.base, url: agent.url } : null,
		labAgents: isLab ? agents.map(({ name, base }) => ({ name, base })) : [],
		cycleSeconds: settings.cycleSeconds,
		flash: takeFlash(cookies),
		access: { role: locals.access.role, mode: locals.access.mode }
	};
};

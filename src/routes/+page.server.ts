import { agentActions } from '$lib/server/actions';
import { syncApi } from '$lib/server/api';
import { backendCatalog, withoutSecrets } from '$lib/server/catalog';
import { pageError } from '$lib/server/errors';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const [agent, sources, counts, backends] = await Promise.all([
		syncApi.getAgentStatus(),
		syncApi.listSources(),
		syncApi.getErrorCounts(),
		backendCatalog()
	]).catch(pageError);
	return {
		agent,
		sources: sources.map((s) =>
			withoutSecrets(
				s,
				backends.find((b) => b.identifier === s.backend_identifier)
			)
		),
		counts
	};
};

export const actions: Actions = agentActions;

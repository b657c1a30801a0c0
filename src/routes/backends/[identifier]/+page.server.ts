import { currentAgent, syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { packageActions } from '$lib/server/sync-api/actions/packages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const backend = await syncApi(url).getBackend({ identifier: params.identifier }).catch(pageError);
	const agent = currentAgent(url);
	// For the copy-paste example: where this agent's sync API is, and whether it asks a token.
	return { backend, syncApi: { url: agent.url, usesToken: agent.usesToken } };
};

export const actions = packageActions(
	{
		install: (api, body) => api.installBackend(body),
		update: (api, identifier, body) => api.updateBackend({ identifier, ...body }),
		uninstall: (api, identifier) => api.uninstallBackend({ identifier })
	},
	({ params }) => params.identifier ?? ''
) satisfies Actions;

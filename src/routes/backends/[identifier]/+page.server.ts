import { currentAgent, syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { packageActions } from '$lib/server/sync-api/actions/packages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const backend = await syncApi().getBackend({ identifier: params.identifier }).catch(pageError);
	const { url, usesToken } = currentAgent();
	// For the copy-paste example: where this agent's sync API is, and whether it asks a token.
	return { backend, syncApi: { url, usesToken } };
};

export const actions = packageActions(
	{
		install: (body) => syncApi().installBackend(body),
		update: (identifier, body) => syncApi().updateBackend({ identifier, ...body }),
		uninstall: (identifier) => syncApi().uninstallBackend({ identifier })
	},
	({ params }) => params.identifier ?? ''
) satisfies Actions;

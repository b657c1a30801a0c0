import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { packageActions } from '$lib/server/sync-api/actions/packages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const [converter, usage] = await Promise.all([
		syncApi(url).getConverter({ name: params.name }),
		syncApi(url).getConverterUsage({ name: params.name })
	]).catch(pageError);
	return { converter, usage };
};

export const actions = packageActions(
	{
		install: (api, body) => api.installConverter(body),
		update: (api, name, body) => api.updateConverter({ name, ...body }),
		uninstall: (api, name) => api.uninstallConverter({ name })
	},
	({ params }) => params.name ?? ''
) satisfies Actions;

import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import { packageActions } from '$lib/server/sync-api/actions/packages';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const [converter, usage] = await Promise.all([
		syncApi().getConverter({ name: params.name }),
		syncApi().getConverterUsage({ name: params.name })
	]).catch(pageError);
	return { converter, usage };
};

export const actions = packageActions(
	{
		install: (body) => syncApi().installConverter(body),
		update: (name, body) => syncApi().updateConverter({ name, ...body }),
		uninstall: (name) => syncApi().uninstallConverter({ name })
	},
	({ params }) => params.name ?? ''
) satisfies Actions;

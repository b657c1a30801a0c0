import { syncApi } from '$lib/server/api';
import { pageError } from '$lib/server/errors';
import { packageActions } from '$lib/server/package-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const converter = await syncApi.getConverter({ name: params.name }).catch(pageError);
	return { converter };
};

export const actions = packageActions(
	{
		install: (body) => syncApi.installConverter(body),
		update: (name, body) => syncApi.updateConverter({ name, ...body }),
		uninstall: (name) => syncApi.uninstallConverter({ name })
	},
	({ params }) => params.name ?? ''
) satisfies Actions;

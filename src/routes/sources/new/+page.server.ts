import { error, redirect } from '@sveltejs/kit';
import { requireOperator } from '$lib/server/access/policy';
import { agentPage, syncApi } from '$lib/server/sync-api/configured';
import { backendCatalog } from '$lib/server/sync-api/catalog';
import { actionFailure, pageError } from '$lib/server/sync-api/failure-mapping';
import { setFlash } from '$lib/server/flash';
import { readSourceForm } from '$lib/source-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	requireOperator(locals, url);
	const [backends, scopes] = await Promise.all([
		backendCatalog(url),
		syncApi(url).listScopes()
	]).catch(pageError);
	const identifier = url.searchParams.get('backend');
	const backend = identifier ? backends.find((b) => b.identifier === identifier) : undefined;
	if (identifier && !backend) error(404, { message: `No backend "${identifier}"` });
	return { backend: backend ?? null, installed: backends.filter((b) => b.installed), scopes };
};

export const actions: Actions = {
	create: async ({ request, url, cookies }) => {
		const backends = await backendCatalog(url).catch(pageError);
		const backend = backends.find((b) => b.identifier === url.searchParams.get('backend'));
		if (!backend) error(404, { message: 'Choose a backend first' });
		const { body, values } = readSourceForm(await request.formData(), backend);
		let id: number;
		try {
			id = (await syncApi(url).createSource(body)).id;
		} catch (failure) {
			return actionFailure(failure, values);
		}
		setFlash(cookies, `Source “${body.name}” created: it syncs from the next agent cycle on`);
		redirect(303, agentPage(url, `/sources/${id}`));
	}
};

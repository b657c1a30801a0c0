import { error, redirect } from '@sveltejs/kit';
import { requireOperator } from '$lib/server/access/policy';
import { agentPage, syncApi } from '$lib/server/sync-api/configured';
import { backendCatalog, configEntries } from '$lib/server/sync-api/catalog';
import { actionFailure, pageError } from '$lib/server/sync-api/failure-mapping';
import { setFlash } from '$lib/server/flash';
import { readSourceForm, type SourceFormValues } from '$lib/source-form';
import type { Actions, PageServerLoad } from './$types';

async function sourceAndBackend(url: URL, id: number) {
	const [source, backends] = await Promise.all([
		syncApi(url).getSource({ id }),
		backendCatalog(url)
	]).catch(pageError);
	const backend = backends.find((b) => b.identifier === source.backend_identifier);
	if (!backend)
		error(404, { message: `The backend ${source.backend_identifier} is not in the catalog` });
	return { source, backend };
}

export const load: PageServerLoad = async ({ params, locals, url }) => {
	requireOperator(locals, url);
	const [{ source, backend }, scopes] = await Promise.all([
		sourceAndBackend(url, Number(params.id)),
		syncApi(url).listScopes().catch(pageError)
	]);
	const entries = configEntries(source, backend);
	const values: SourceFormValues = {
		name: source.name,
		default_scope: source.default_scope ?? '',
		autoassign_scope_mapping: source.autoassign_scope_mapping,
		config: Object.fromEntries(
			entries.filter((e) => e.value !== null).map((e) => [e.name, e.value as string | boolean])
		)
	};
	return {
		source: { id: source.id, name: source.name },
		backend,
		scopes,
		values,
		storedSecrets: entries.filter((e) => e.field?.secret && e.isSet).map((e) => e.name)
	};
};

export const actions: Actions = {
	save: async ({ params, request, cookies, url }) => {
		const id = Number(params.id);
		const { source, backend } = await sourceAndBackend(url, id);
		const { body, values } = readSourceForm(await request.formData(), backend);
		try {
			await syncApi(url).updateSource({
				id,
				rename_to: body.name === source.name ? undefined : body.name,
				config_data: body.config_data,
				default_scope: body.default_scope,
				autoassign_scope_mapping: body.autoassign_scope_mapping
			});
		} catch (failure) {
			return actionFailure(failure, values);
		}
		setFlash(
			cookies,
			`Source “${body.name}” saved. Some changes take effect from the next agent cycle.`
		);
		redirect(303, agentPage(url, `/sources/${id}`));
	}
};

import { syncApi } from '$lib/server/sync-api/configured';
import { act, listPageError } from '$lib/server/sync-api/failure-mapping';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = Number(params.id);
	const cursor = url.searchParams.get('cursor') || undefined;
	const [source, mappings, unmapped, scopes] = await Promise.all([
		syncApi(url).getSource({ id }),
		syncApi(url).listScopeMappings({ id }),
		syncApi(url).listUnmappedIdentifiers({ id, cursor }),
		syncApi(url).listScopes()
	]).catch(listPageError(url));
	return {
		source: {
			id: source.id,
			name: source.name,
			default_scope: source.default_scope,
			autoassign: source.autoassign_scope_mapping
		},
		mappings,
		unmapped,
		scopes
	};
};

async function fields(request: Request) {
	const form = await request.formData();
	return {
		scope_identifier: String(form.get('scope_identifier') ?? '').trim(),
		scope_uuid: String(form.get('scope_uuid') ?? '')
	};
}

export const actions: Actions = {
	createMapping: async ({ params, request, url }) => {
		const values = await fields(request);
		return act(
			() => syncApi(url).createScopeMapping({ id: Number(params.id), ...values }),
			(m) => `“${m.scope_identifier}” now maps to ${m.scope_name ?? m.scope_uuid}`,
			values
		);
	},
	updateMapping: async ({ params, request, url }) => {
		const values = await fields(request);
		return act(
			() => syncApi(url).updateScopeMapping({ id: Number(params.id), ...values }),
			(m) => `“${m.scope_identifier}” now maps to ${m.scope_name ?? m.scope_uuid}`,
			values
		);
	},
	deleteMapping: async ({ params, request, url }) => {
		const { scope_identifier } = await fields(request);
		return act(
			() => syncApi(url).deleteScopeMapping({ id: Number(params.id), scope_identifier }),
			(m) => `Mapping of “${m.scope_identifier}” deleted: its items wait for a new one`
		);
	},
	autoassign: ({ params, url }) =>
		act(
			() => syncApi(url).autoassignScopeMappings({ id: Number(params.id) }),
			({ created }) =>
				`Created ${created} ${created === 1 ? 'mapping' : 'mappings'} from matching scope names`
		)
};

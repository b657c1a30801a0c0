import { plural } from '$lib/plural';
import { redirect } from '@sveltejs/kit';
import { reportAction } from '$lib/server/sync-api/actions/report';
import { sourceRunActions } from '$lib/server/sync-api/actions/run';
import { agentPage, syncApi } from '$lib/server/sync-api/configured';
import { backendCatalog, configEntries, withoutSecrets } from '$lib/server/sync-api/catalog';
import { act, actionFailure, pageError } from '$lib/server/sync-api/failure-mapping';
import { readHistoryView } from '$lib/server/sync-api/history';
import { setFlash } from '$lib/server/flash';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params, url }) => {
	const id = Number(params.id);
	const readAt = Date.now();
	const [source, backends, scopes, counts, history] = await Promise.all([
		syncApi(url).getSource({ id }),
		backendCatalog(url),
		syncApi(url).listScopes(),
		syncApi(url).getErrorCounts(),
		readHistoryView(url, { sourceId: id })
	]).catch(pageError);
	const backend = backends.find((b) => b.identifier === source.backend_identifier);
	return {
		source: withoutSecrets(source, backend),
		config: configEntries(source, backend),
		backend: backend
			? { identifier: backend.identifier, name: backend.name, has_owner: backend.has_owner }
			: null,
		scopeName: scopes.find((s) => s.uuid === source.default_scope)?.name ?? null,
		errors: counts.sources.find((c) => c.source_id === id) ?? { total: 0, unread: 0 },
		history,
		readAt
	};
};

export const actions: Actions = {
	...sourceRunActions,
	takeOwnership: ({ params, url }) =>
		act(
			() => syncApi(url).takeOwnership({ id: Number(params.id) }),
			(s) => `You now own “${s.name}”`
		),
	releaseOwnership: ({ params, url }) =>
		act(
			() => syncApi(url).releaseOwnership({ id: Number(params.id) }),
			(s) => `“${s.name}” has no owner now`
		),
	resetFailed: ({ params, url }) =>
		act(
			() => syncApi(url).resetSourceItems({ id: Number(params.id), include_successful: false }),
			({ count }) => `Reset ${count} failed ${count === 1 ? 'item' : 'items'}`
		),
	resetAll: ({ params, url }) =>
		act(
			() => syncApi(url).resetSourceItems({ id: Number(params.id), include_successful: true }),
			({ count }) => `Reset ${plural(count, 'item')}: all will be synced again`
		),
	report: ({ params, request, url }) =>
		reportAction(request, (body) =>
			syncApi(url).reportSourceError({ id: Number(params.id), ...body })
		),
	delete: async ({ params, cookies, url }) => {
		let name: string;
		try {
			name = (await syncApi(url).deleteSource({ id: Number(params.id) })).name;
		} catch (failure) {
			return actionFailure(failure);
		}
		setFlash(
			cookies,
			`Source “${name}” deleted, with its items and errors; the data files were not touched`
		);
		redirect(303, agentPage(url, '/sources'));
	}
};

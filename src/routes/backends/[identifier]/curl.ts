import type { Backend } from '$lib/contract';

/** The create body of the SDK example, as the sync API takes it (`POST /api/v1/sources`). */
export function createBody(backend: Backend) {
	const short = backend.identifier.replace(/^etiket_sync_agent_/, '');
	return {
		name: `my_${short}_source`,
		backend_identifier: backend.identifier,
		config_data: Object.fromEntries(
			backend.config_fields.map((field) => [
				field.name,
				field.default ?? field.placeholder ?? `<${field.name}>`
			])
		),
		...(backend.scope_rule === 'required' ? { default_scope: '<scope uuid>' } : {})
	};
}

/**
 * The same request as `curl`, the JSON pretty-printed and quoted for a POSIX shell; against a
 * sync API that asks for its token, the token is named by its variable, never shown.
 */
export function curlCommand(
	syncApi: { url: string; usesToken: boolean },
	backend: Backend
): string {
	const json = JSON.stringify(createBody(backend), null, 2).replaceAll("'", `'\\''`);
	return [
		`curl -X POST ${syncApi.url}/api/v1/sources \\`,
		...(syncApi.usesToken ? [`  -H "authorization: Bearer $SYNC_API_TOKEN" \\`] : []),
		`  -H 'content-type: application/json' \\`,
		`  -d '${json}'`
	].join('\n');
}

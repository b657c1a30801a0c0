import type { ConfigEntry } from '$lib/config-entry';
import type { Backend, Source } from '$lib/contract';
import { syncApi } from './configured';

const TTL_MS = 30_000;
/** Per client, so that a cached answer always comes from the sync API being asked. */
const cache = new WeakMap<object, { at: number; backends: Promise<Backend[]> }>();

/**
 * The backend catalog of the agent at `url`, shared by its pages for half a minute: it changes only when packages
 * are installed, and most pages need it to know which config fields are secret. A failed
 * call is not kept.
 */
export function backendCatalog(url: URL): Promise<Backend[]> {
	const client = syncApi(url);
	const cached = cache.get(client);
	if (cached && Date.now() - cached.at <= TTL_MS) return cached.backends;
	const backends = client.listBackends();
	cache.set(client, { at: Date.now(), backends });
	backends.catch(() => cache.delete(client));
	return backends;
}

/** A source's config as a page may show it: secret values are left out. */
export function configEntries(source: Source, backend: Backend | undefined): ConfigEntry[] {
	const fields = backend?.config_fields ?? [];
	const names = new Set([...fields.map((f) => f.name), ...Object.keys(source.config_data)]);
	return [...names].map((name) => {
		const field = fields.find((f) => f.name === name) ?? null;
		const raw = source.config_data[name];
		const isSet = raw !== undefined && raw !== null && raw !== '';
		const value = field?.secret || !isSet ? null : (raw as string | number | boolean);
		return { field, name, value, isSet };
	});
}

/** A source without its secret config values, for view data. */
export function withoutSecrets(source: Source, backend: Backend | undefined): Source {
	const secret = new Set(backend?.config_fields.filter((f) => f.secret).map((f) => f.name));
	const config = Object.fromEntries(
		Object.entries(source.config_data).filter(([name]) => !secret.has(name))
	);
	return { ...source, config_data: config };
}

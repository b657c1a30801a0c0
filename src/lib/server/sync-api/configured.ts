import { settings } from '$lib/server/settings';
import { createSyncApiClient } from './client';

/** The client for the configured sync API; pages and endpoints call the sync API through it. */
export const syncApi = createSyncApiClient({
	baseUrl: settings.syncApiUrl,
	timeoutMs: settings.syncApiTimeoutMs
});

import { settings } from './settings';
import { createSyncApiClient } from './sync-api';

/** The client for the configured sync API; pages and endpoints call the sync API through it. */
export const syncApi = createSyncApiClient({
	baseUrl: settings.syncApiUrl,
	timeoutMs: settings.syncApiTimeoutMs
});

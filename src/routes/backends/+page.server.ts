import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url }) => {
	const backends = await syncApi(url).listBackends().catch(pageError);
	return { backends };
};

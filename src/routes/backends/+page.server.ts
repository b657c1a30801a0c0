import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const backends = await syncApi().listBackends().catch(pageError);
	return { backends };
};

import { syncApi } from '$lib/server/api';
import { pageError } from '$lib/server/errors';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const converters = await syncApi.listConverters().catch(pageError);
	return { converters };
};

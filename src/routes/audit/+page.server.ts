import { requireOperator } from '$lib/server/access';
import { audit } from '$lib/server/security';
import type { PageServerLoad } from './$types';

const SHOWN = 500;

export const load: PageServerLoad = ({ locals, url }) => {
	requireOperator(locals, url);
	return { entries: audit.latest(SHOWN), shown: SHOWN, file: audit.file };
};

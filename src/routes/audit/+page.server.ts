import { requireOperator } from '$lib/server/access/policy';
import { audit } from '$lib/server/access/configured';
import type { PageServerLoad } from './$types';

const SHOWN = 500;

export const load: PageServerLoad = ({ locals, url }) => {
	requireOperator(locals, url);
	return { entries: audit.latest(SHOWN), shown: SHOWN, file: audit.file };
};

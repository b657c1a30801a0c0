import type { LogService } from '$lib/contract';
import { syncApi } from '$lib/server/sync-api/configured';
import { pageError } from '$lib/server/sync-api/failure-mapping';
import type { RequestHandler } from './$types';

/** The whole log (current file and backup) as a text file. */
export const GET: RequestHandler = async ({ params, url }) => {
	const service = params.service as LogService;
	const { records } = await syncApi(url).tailLog({ service, n: -1 }).catch(pageError);
	const text = records.map((record) => record.text).join('\n') + '\n';
	return new Response(text, {
		headers: {
			'content-type': 'text/plain; charset=utf-8',
			'content-disposition': `attachment; filename="${service === 'api' ? 'sync_api' : 'sync_agent'}.log"`
		}
	});
};

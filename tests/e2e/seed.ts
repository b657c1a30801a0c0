import fs from 'node:fs';
import path from 'node:path';
import { expect } from '@playwright/test';
import type { Source } from '../../src/lib/contract';
import { tempDir } from '../helpers';

/** A sync API a test sets up through: a stack's, or a lab agent's (with its token). */
export interface SyncApiAt {
	syncApiUrl: string;
	token?: string;
}

/** Calls the embedded sync API directly, to set up what a test starts from. */
export async function api<T = unknown>(
	stack: SyncApiAt,
	method: string,
	route: string,
	body?: unknown
): Promise<T> {
	const response = await fetch(`${stack.syncApiUrl}/api/v1${route}`, {
		method,
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(stack.token ? { authorization: `Bearer ${stack.token}` } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = await response.json();
	if (!response.ok)
		throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
	return json as T;
}

export async function defaultScope(stack: SyncApiAt): Promise<string> {
	return (await api<{ uuid: string }[]>(stack, 'GET', '/scopes'))[0]!.uuid;
}

/** A folder of folder-base datasets: `{ 'Project/run': { 'file.txt': 'content' } }`; `_info` is the YAML. */
export function datasetFolder(datasets: Record<string, Record<string, string>>): string {
	const root = tempDir('qh-e2e-data-');
	for (const [relative, files] of Object.entries(datasets)) {
		const dir = path.join(root, relative);
		fs.mkdirSync(dir, { recursive: true });
		const { _info = '', ...rest } = files;
		fs.writeFileSync(path.join(dir, '_QH_dataset_info.yaml'), _info);
		for (const [name, content] of Object.entries(rest))
			fs.writeFileSync(path.join(dir, name), content);
	}
	return root;
}

/** A copy of the shared Quantify fixtures. */
export function quantifyFolder(): string {
	const dir = tempDir('qh-e2e-quantify-');
	fs.cpSync(path.resolve(import.meta.dirname, '../fixtures/quantify'), dir, { recursive: true });
	return dir;
}

export async function folderbaseSource(
	stack: SyncApiAt,
	name: string,
	datasets: Record<string, Record<string, string>>
): Promise<{ source: Source; root: string }> {
	const root = datasetFolder(datasets);
	const source = await api<Source>(stack, 'POST', '/sources', {
		name,
		backend_identifier: 'etiket_sync_agent_folderbase',
		config_data: { root_directory: root },
		default_scope: await defaultScope(stack)
	});
	return { source, root };
}

/** Waits until the agent has dealt with every item of the source (synced or failed). */
export async function settled(stack: SyncApiAt, sourceId: number, total: number): Promise<Source> {
	let source: Source | undefined;
	await expect
		.poll(
			async () => {
				source = await api<Source>(stack, 'GET', `/sources/${sourceId}`);
				return source.items_total === total && source.items_synced + source.items_failed === total;
			},
			// Generous: syncing is background work, slow on a loaded machine.
			{ timeout: 45_000 }
		)
		.toBe(true);
	return source!;
}

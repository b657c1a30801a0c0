import { parse, stringify } from 'yaml';
import { z } from 'zod';
import type { DatasetIdentity } from '../types';

/** What the reference agent writes into each dataset folder it synced. */
export const MANIFEST_FILE = '.QH_manifest.yaml';
export const MANIFEST_VERSION = '0.1';

const Uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);

/** The current shape: the dataset's identity, then per file the records of its uploads. */
const Current = z.object({
	dataset_uuid: Uuid,
	scope_uuid: Uuid.nullish(),
	dataset_sync_path: z.string().nullish()
});

/** The older shape: per file its modification time and status, no identity. */
const Older = z.object({
	files: z.record(z.string(), z.object({ m_time: z.unknown(), status: z.unknown() }).loose())
});

/**
 * Reads a `.QH_manifest.yaml`, of either shape, never throwing: a file this agent cannot use
 * only becomes a note, as an item never fails because of it.
 */
export function readManifest(text: string): { identity: DatasetIdentity | null; note: string } {
	let raw: unknown;
	try {
		raw = parse(text, { maxAliasCount: 100 });
	} catch (error) {
		return {
			identity: null,
			note: `${MANIFEST_FILE} is not valid YAML, left aside: ${(error as Error).message.split('\n')[0]}`
		};
	}
	const current = Current.safeParse(raw);
	if (current.success) {
		const { dataset_uuid, scope_uuid, dataset_sync_path } = current.data;
		return {
			identity: {
				datasetUuid: dataset_uuid.toLowerCase(),
				scopeUuid: scope_uuid?.toLowerCase() ?? null,
				syncPath: dataset_sync_path ?? null
			},
			note: `${MANIFEST_FILE} names dataset ${dataset_uuid.toLowerCase()}`
		};
	}
	if (Older.safeParse(raw).success) {
		return {
			identity: null,
			note: `${MANIFEST_FILE} is of the older shape (files only, no dataset uuid): a new dataset`
		};
	}
	return { identity: null, note: `${MANIFEST_FILE} is of no known shape, left aside` };
}

/** The current shape, as the reference agent writes it, for a dataset this agent synced. */
export function writeManifestText(
	identity: { datasetUuid: string; scopeUuid: string; syncPath: string },
	files: { name: string; md5: string; size: number; version: number }[],
	syncTime: string
): string {
	return stringify({
		version: MANIFEST_VERSION,
		dataset_uuid: identity.datasetUuid,
		scope_uuid: identity.scopeUuid,
		dataset_sync_path: identity.syncPath,
		sync_time: syncTime,
		files: Object.fromEntries(
			files.map((file) => [
				file.name,
				[{ md5: file.md5, size: file.size, version: file.version, sync_time: syncTime }]
			])
		)
	});
}

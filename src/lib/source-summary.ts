import type { Source } from '$lib/contract';

/**
 * A source as lists and the live status show it: no settings, so no secret either, and a
 * fiftieth of the bytes on a lab's overview.
 */
export type SourceSummary = Pick<
	Source,
	| 'id'
	| 'name'
	| 'backend_identifier'
	| 'status'
	| 'items_total'
	| 'items_synced'
	| 'items_failed'
	| 'items_missing'
	| 'last_update'
>;

export function sourceSummary(source: Source): SourceSummary {
	return {
		id: source.id,
		name: source.name,
		backend_identifier: source.backend_identifier,
		status: source.status,
		items_total: source.items_total,
		items_synced: source.items_synced,
		items_failed: source.items_failed,
		items_missing: source.items_missing,
		last_update: source.last_update
	};
}

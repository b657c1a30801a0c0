import { dataIsThere, dataPathOf, itemRootOf } from '../backends/catalog';
import type { BackendDefinition, ConfigData } from '../backends/types';
import { recordWarning } from '../services/error-inbox';
import { saveScan } from '../services/item-queue';
import { autoassign } from '../services/scopes';
import type { SourceRow } from '../services/sources';
import type { AgentContext } from './context';

/** What a scan found, for the caller: counts, and the datasets still being written. */
export interface ScanOutcome {
	found: number;
	changed: number;
	settling: { dataIdentifier: string; settlesAt: number }[];
}

/**
 * Scans a source, or with `changedPaths` only where they changed (for backends that can), and
 * saves what it found: its items of the folder scanned, the ones it no longer finds missing.
 * Null, with nothing saved, when the source's folder vanished during the scan (what it did
 * not find then is not missing).
 */
export async function scanSource(
	context: AgentContext,
	source: SourceRow,
	backend: BackendDefinition,
	config: ConfigData = JSON.parse(source.config_data),
	changedPaths: string[] | null = null
): Promise<ScanOutcome | null> {
	const implementation = backend.implementation;
	if (!implementation) throw new Error(`The ${backend.name} backend is not installed`);
	const started = performance.now();
	const scan =
		changedPaths && implementation.scanChanges
			? await implementation.scanChanges(config, changedPaths, context.signal)
			: await implementation.scan(config, context.signal, {
					liveIdleMs: context.settings.liveIdleSeconds * 1000
				});
	const { datasets, skipped } = scan;
	const data = dataPathOf(backend, config);
	if (data && !dataIsThere(data)) return null;
	const { changed, missing } = saveScan(context.db, {
		...scan,
		sourceId: source.id,
		configData: source.config_data,
		root: itemRootOf(backend, config)
	});
	for (const entry of skipped) {
		recordWarning(context.db, {
			sourceId: source.id,
			exception: 'SkippedEntry',
			message: `Skipped ${entry.name}: ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`
		});
	}
	if (source.autoassign_scope_mapping) autoassign(context.db, source.id);
	// Only a scan that found something is worth a line: the rest is every source every cycle,
	// which the cycle's one line sums up.
	if (changed || missing)
		context.log.info(
			'Scanned %s"%s": %d datasets, %d new or changed, %d no longer found, in %d ms',
			'examined' in scan && scan.examined ? 'the changes of ' : '',
			source.name,
			datasets.length,
			changed,
			missing,
			Math.round(performance.now() - started)
		);
	const settling = datasets.flatMap(({ dataIdentifier, live, settlesAt }) =>
		live && settlesAt !== undefined ? [{ dataIdentifier, settlesAt }] : []
	);
	return { found: datasets.length, changed, settling };
}

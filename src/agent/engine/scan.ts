import type { BackendImplementation, ConfigData } from '../backends/types';
import { recordWarning } from '../services/error-inbox';
import { saveScanned } from '../services/item-queue';
import { autoassign } from '../services/scopes';
import type { SourceRow } from '../services/sources';
import type { AgentContext } from './context';

/** Scans a source and saves what it found; how many datasets were found and were new or changed. */
export async function scanSource(
	context: AgentContext,
	source: SourceRow,
	implementation: BackendImplementation,
	config: ConfigData = JSON.parse(source.config_data)
): Promise<{ found: number; changed: number }> {
	const started = performance.now();
	const { datasets: scanned, skipped } = await implementation.scan(config, context.signal);
	const changed = saveScanned(context.db, source.id, scanned);
	for (const entry of skipped) {
		recordWarning(context.db, {
			sourceId: source.id,
			exception: 'SkippedEntry',
			message: `Skipped ${entry.name}: ${entry.reason}${entry.detail ? ` (${entry.detail})` : ''}`
		});
	}
	if (source.autoassign_scope_mapping) autoassign(context.db, source.id);
	// Only scans that found something are worth a line at INFO; the rest is every cycle.
	(changed ? context.log.info : context.log.debug)(
		'Scanned "%s": %d datasets, %d new or changed, in %d ms',
		source.name,
		scanned.length,
		changed,
		Math.round(performance.now() - started)
	);
	return { found: scanned.length, changed };
}

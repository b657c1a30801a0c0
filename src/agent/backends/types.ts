import type { ConfigField, DatasetParameter, ScopeRule } from '../../lib/contract';
import type { SkippedEntry } from '../files/safe-files';

export type ConfigData = Record<string, unknown>;

/** A dataset found by a scan. */
export interface ScannedDataset {
	/** Stable within the source: its path relative to the source's folder, `/`-separated. */
	dataIdentifier: string;
	/** For backends without a required default scope: what the source's mappings resolve. */
	scopeIdentifier: string | null;
	/** Changes whenever the dataset's files change (names, sizes, modification times). */
	fingerprint: string;
	/** Still being written by the acquisition software. */
	live: boolean;
	/** For a live dataset: when (ms since the epoch) it may be settled, worth a look again. */
	settlesAt?: number;
}

export interface DatasetFile {
	/** Path inside the dataset, `/`-separated: the name it is stored under. */
	name: string;
	/** Where it is on disk now. */
	path: string;
	/**
	 * Made by the backend for this upload (an export in a temporary folder), not one of the
	 * user's files: it need not lie inside the source's folder.
	 */
	made?: boolean;
}

/** A file the dataset asks to have converted while it syncs. */
export interface Conversion {
	/** The converter wanted, by its `<input>_to_<output>` name. */
	converter: string;
	/** The file to convert: one of the dataset's files, by name. */
	input: string;
	/** The name the result is stored under: the input's, with the output's suffix. */
	output: string;
}

/** A dataset identity recorded beside the data (a manifest an earlier sync left there). */
export interface DatasetIdentity {
	datasetUuid: string;
	scopeUuid: string | null;
	/** The dataset folder's path when it was recorded: another path means a moved or copied folder. */
	syncPath: string | null;
}

/**
 * What a scan found: the datasets, and what it left out (folders it could not look into, an info
 * file that is not a regular file), each named once.
 */
export interface ScanResult {
	datasets: ScannedDataset[];
	/** Relative to the source's folder. */
	skipped: SkippedEntry[];
	/**
	 * For a scan of changes only: the folders (relative) it looked at whole; what it did not
	 * find elsewhere is not missing. Absent: the scan looked everywhere.
	 */
	examined?: string[];
}

/** The agent's settings a scan follows. */
export interface ScanOptions {
	/** A dataset whose files have not changed for this long is no longer live, complete or not. */
	liveIdleMs: number;
}

/** What gets uploaded for one dataset: `dataset.json` fields plus the files. */
export interface DatasetContent {
	name: string;
	altUid: string | null;
	collected: string;
	description: string | null;
	tags: string[];
	/** Numbers and booleans stay what they are. */
	attributes: Record<string, string | number | boolean>;
	files: DatasetFile[];
	/** The parameters of its data (coordinates, then variables), where the backend reads them. */
	parameters: DatasetParameter[];
	conversions: Conversion[];
	/** Entries of the dataset left out (links, FIFOs, unreadable folders), named in its record. */
	skipped: SkippedEntry[];
	/** What the sync record should say about how the dataset was read. */
	notes: string[];
	/** For a dataset still being measured: how much of it is, 0 to 1, where the backend knows. */
	liveFill?: number;
	/** The identity found beside the data, and the folder it was found in. */
	recorded: { identity: DatasetIdentity; folder: string } | null;
	/** Backend-specific description of the data (e.g. Quantify's variables). */
	extra: Record<string, unknown>;
	/** Removes what `read` made for the upload (an export in a temporary folder), once stored. */
	dispose?: () => Promise<void>;
}

export interface BackendImplementation {
	/**
	 * Live datasets are synced as they grow (at each new fingerprint, at most once a cycle),
	 * not only once complete: a measurement can be followed while it runs.
	 */
	followsLive?: boolean;
	/**
	 * Finds every dataset under the source's folder; what it cannot read it skips and names, so
	 * one unreadable folder never hides the others.
	 */
	scan(config: ConfigData, signal: AbortSignal, options: ScanOptions): Promise<ScanResult>;
	/**
	 * For backends whose live datasets are rewritten in place as they fill (Quantify): the file
	 * to watch. While the dataset is live the engine replicates it each time that file changes,
	 * twice a second at most, instead of once a cycle.
	 */
	liveFile?(config: ConfigData, dataIdentifier: string): string;
	/**
	 * For backends that can follow file-system events: whether this source's folder is watched
	 * (events are unreliable on network shares).
	 */
	watches?(config: ConfigData): boolean;
	/**
	 * Looks only where files changed (paths relative to the source's folder): the datasets they
	 * belong to, or, for a folder that is not in one, the datasets under it.
	 */
	scanChanges?(
		config: ConfigData,
		changed: string[],
		signal: AbortSignal
	): Promise<ScanResult & { examined: string[] }>;
	/**
	 * For data behind a server (a database): null when it answers now, else why not. A source
	 * whose scan or read threw `UnreachableError` is looked at again with this, with back-off.
	 */
	reachable?(config: ConfigData): Promise<string | null>;
	/** Reads one dataset for upload; throws with a clear message when it cannot. */
	read(config: ConfigData, dataIdentifier: string): Promise<DatasetContent>;
	/**
	 * Records a completed sync beside the data (only where a setting allows writing into the
	 * user's folders); absent for backends that keep nothing there.
	 */
	recordSync?(
		config: ConfigData,
		dataIdentifier: string,
		identity: { datasetUuid: string; scopeUuid: string },
		files: { name: string; md5: string; size: number; version: number }[]
	): Promise<void>;
}

export interface BackendDefinition {
	identifier: string;
	name: string;
	package: string;
	description: string;
	configFields: ConfigField[];
	scopeRule: ScopeRule;
	hasOwner: boolean;
	/** The config field holding the folder the source reads; two sources may not overlap. */
	folderField: string | null;
	/** The config field holding the one file (a database) the source reads, if it reads one. */
	fileField?: string;
	/**
	 * For data on a server: where it is (server and database), and the config field a clash is
	 * reported on, so that no two sources read the same data.
	 */
	serverData?: { field: string; of(config: ConfigData): string };
	/**
	 * Checks the source's data beyond its config fields (a database of the right kind): the
	 * problem with the field it concerns, or null.
	 */
	checkConfig?(config: ConfigData): { field: string; message: string } | null;
	/** Absent: listed in the catalog, but this agent cannot run it. */
	implementation: BackendImplementation | null;
}

/**
 * The data cannot be read now, through no fault of its own (a database locked by the program
 * writing it): the scan or the sync is tried again shortly, and nothing is marked failed.
 */
export class TryLaterError extends Error {
	override name = 'TryLaterError';
}

/**
 * The server holding the data cannot be used now (down, unreachable, refusing the agent's
 * login): the source goes to `error` and runs again by itself once the server answers; the
 * item being read is tried again then, not failed.
 */
export class UnreachableError extends TryLaterError {
	override name = 'UnreachableError';
}

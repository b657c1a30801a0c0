import type { ConfigField, ScopeRule } from '../../lib/contract';
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
}

export interface DatasetFile {
	/** Path inside the dataset, `/`-separated: the name it is stored under. */
	name: string;
	/** Where it is on disk now. */
	path: string;
	/** Converter to run on it, by name. */
	converter: string | null;
}

/**
 * What a scan found: the datasets, and what it left out (folders it could not look into, an info
 * file that is not a regular file), each named once.
 */
export interface ScanResult {
	datasets: ScannedDataset[];
	/** Relative to the source's folder. */
	skipped: SkippedEntry[];
}

/** What gets uploaded for one dataset: `dataset.json` fields plus the files. */
export interface DatasetContent {
	name: string;
	altUid: string | null;
	collected: string;
	description: string | null;
	tags: string[];
	attributes: Record<string, string>;
	files: DatasetFile[];
	/** Entries of the dataset left out (links, FIFOs, unreadable folders), named in its record. */
	skipped: SkippedEntry[];
	/** Backend-specific description of the data (e.g. Quantify's variables). */
	extra: Record<string, unknown>;
}

export interface BackendImplementation {
	/**
	 * Finds every dataset under the source's folder; what it cannot read it skips and names, so
	 * one unreadable folder never hides the others.
	 */
	scan(config: ConfigData, signal: AbortSignal): Promise<ScanResult>;
	/** Reads one dataset for upload; throws with a clear message when it cannot. */
	read(config: ConfigData, dataIdentifier: string): Promise<DatasetContent>;
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
	/** Absent: listed in the catalog, but this agent cannot run it. */
	implementation: BackendImplementation | null;
}

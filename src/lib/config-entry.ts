import type { ConfigField } from '$lib/contract';

/** One setting of a source as a page may show it: a secret's value never leaves the server. */
export interface ConfigEntry {
	field: ConfigField | null;
	name: string;
	/** Null for a secret. */
	value: string | number | boolean | null;
	/** For a secret: whether one is stored. */
	isSet: boolean;
}

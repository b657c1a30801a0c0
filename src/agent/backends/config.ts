import fs from 'node:fs';
import path from 'node:path';
import type { ErrorDetail } from '../../lib/contract';
import { resolveUserPath } from './files';
import type { BackendDefinition, ConfigData } from './types';

const typeChecks: Record<string, (value: unknown) => boolean> = {
	string: (value) => typeof value === 'string' && value.trim() !== '',
	path: (value) => typeof value === 'string' && value.trim() !== '',
	boolean: (value) => typeof value === 'boolean',
	integer: (value) => Number.isInteger(value),
	number: (value) => typeof value === 'number' && Number.isFinite(value)
};

const typeNames: Record<string, string> = {
	string: 'a non-empty text',
	path: 'a path',
	boolean: 'true or false',
	integer: 'a whole number',
	number: 'a number'
};

/**
 * Checks a source's `config_data` against its backend's fields: unknown keys, missing
 * required ones, types, and that paths exist. Returns the config with defaults filled in and
 * paths made absolute, and one detail per field that is wrong.
 */
export function validateConfig(
	backend: BackendDefinition,
	config: ConfigData,
	home: string
): { value: ConfigData; details: ErrorDetail[] } {
	const details: ErrorDetail[] = [];
	const value: ConfigData = {};
	const at = (name: string) => `config_data.${name}`;
	for (const key of Object.keys(config)) {
		if (!backend.configFields.some((field) => field.name === key)) {
			details.push({ path: at(key), message: `Unknown setting for ${backend.name}` });
		}
	}
	for (const field of backend.configFields) {
		const given = config[field.name];
		if (given === undefined || given === null || given === '') {
			if (field.required) details.push({ path: at(field.name), message: 'Required' });
			else if (field.default !== null) value[field.name] = field.default;
			continue;
		}
		if (!typeChecks[field.type]!(given)) {
			details.push({ path: at(field.name), message: `Must be ${typeNames[field.type]}` });
			continue;
		}
		if (field.type !== 'path') {
			value[field.name] = typeof given === 'string' ? given.trim() : given;
			continue;
		}
		const resolved = resolveUserPath(String(given).trim(), home);
		const stat = fs.statSync(resolved, { throwIfNoEntry: false });
		if (!stat) {
			details.push({ path: at(field.name), message: `${resolved} does not exist` });
		} else if (field.name === backend.folderField && !stat.isDirectory()) {
			details.push({ path: at(field.name), message: `${resolved} is not a folder` });
		} else {
			value[field.name] = resolved;
		}
	}
	return { value, details };
}

/** Whether two folders are the same, or one holds the other. */
export function foldersOverlap(a: string, b: string): boolean {
	const inside = (child: string, parent: string) => {
		const relative = path.relative(parent, child);
		return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
	};
	return inside(a, b) || inside(b, a);
}

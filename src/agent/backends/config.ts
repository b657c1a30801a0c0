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

/** Longer paths are refused before the file system is asked (Linux's PATH_MAX). */
const MAX_PATH_LENGTH = 4096;

/** What a person reads for the errors the file system gives for a path the agent cannot use. */
function pathErrorMessage(resolved: string, code: string | undefined): string {
	switch (code) {
		case 'ENOENT':
			return `${resolved} does not exist`;
		case 'ENOTDIR':
			return `${resolved} is not a folder: a part of the path is a file`;
		case 'ENAMETOOLONG':
			return 'The path is too long for the file system';
		case 'EACCES':
		case 'EPERM':
			return `The agent may not read ${resolved}`;
		case 'ELOOP':
			return `${resolved} cannot be followed: too many levels of symbolic links`;
		default:
			return `${resolved} cannot be used (${code ?? 'unknown error'})`;
	}
}

/**
 * Why the agent cannot use a path, or null when it can: it exists, is readable, and is a
 * folder it may list when `folder` is set. Never throws for what the file system answers.
 */
function pathProblem(resolved: string, folder: boolean): string | null {
	if (resolved.includes('\0')) return 'The path contains a NUL character';
	if (resolved.length > MAX_PATH_LENGTH) {
		return `The path is too long: ${resolved.length} characters, at most ${MAX_PATH_LENGTH}`;
	}
	try {
		const stat = fs.statSync(resolved);
		if (folder && !stat.isDirectory()) return `${resolved} is not a folder`;
		if (!folder && !stat.isFile()) return `${resolved} is not a file`;
		fs.accessSync(resolved, folder ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
		return null;
	} catch (error) {
		return pathErrorMessage(resolved, (error as NodeJS.ErrnoException).code);
	}
}

/**
 * Checks a source's `config_data` against its backend's fields: unknown keys, missing
 * required ones, types, and that paths exist and the agent may read them. Returns the config
 * with defaults filled in and paths made absolute, and one detail per field that is wrong.
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
		const problem = pathProblem(resolved, field.name === backend.folderField);
		if (problem) details.push({ path: at(field.name), message: problem });
		else value[field.name] = resolved;
	}
	if (!details.length && backend.checkConfig) {
		const problem = backend.checkConfig(value);
		if (problem) details.push({ path: at(problem.field), message: problem.message });
	}
	return { value, details };
}

/**
 * A folder's real path, links resolved, to compare folders by; the path itself when it cannot
 * be resolved (a stored source's folder may have vanished since).
 */
export function realPathOr(folder: string): string {
	try {
		return fs.realpathSync.native(folder);
	} catch {
		return folder;
	}
}

/** Whether two folders are the same, or one holds the other (compare real paths). */
export function foldersOverlap(a: string, b: string): boolean {
	const inside = (child: string, parent: string) => {
		const relative = path.relative(parent, child);
		return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
	};
	return inside(a, b) || inside(b, a);
}

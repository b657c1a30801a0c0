import fs from 'node:fs';
import type { Backend, ConfigField } from '../../lib/contract';
import { serverOf } from './coretools/connection';
import { coretools } from './coretools/coretools';
import { folderbase } from './folderbase/folderbase';
import { labber } from './labber/labber';
import { qcodesSchemaProblem } from './qcodes/database';
import { qcodes } from './qcodes/qcodes';
import { quantify } from './quantify/quantify';
import type { BackendDefinition, ConfigData } from './types';

/** The version this embedded agent reports for the backends it runs itself. */
export const EMBEDDED_VERSION = '0.3.0-embedded';

const isServerFolder: ConfigField = {
	name: 'is_server_folder',
	type: 'boolean',
	required: false,
	default: false,
	description: 'Whether the folder is on a server or network drive (e.g. of the university).',
	secret: false,
	placeholder: null
};

const setUp = (description: string): ConfigField => ({
	name: 'set_up',
	type: 'string',
	required: true,
	default: null,
	description,
	secret: false,
	placeholder: '<name of the set-up>'
});

/** The six backends of the SDK; the ones without an implementation are not installed here. */
export const backends: BackendDefinition[] = [
	{
		identifier: 'etiket_sync_agent_native',
		name: 'QH datasets',
		package: 'etiket-sync-agent',
		description:
			'Datasets created with qdrive on this computer (built into the Python sync agent).',
		configFields: [],
		scopeRule: 'optional',
		hasOwner: false,
		folderField: null,
		implementation: null
	},
	{
		identifier: 'etiket_sync_agent_qcodes',
		name: 'QCoDeS',
		package: 'etiket-sync-agent-qcodes',
		description:
			'Sync QCoDeS datasets from a QCoDeS SQLite database, read-only: every run, running ones as they grow; experiments are the scope identifiers.',
		configFields: [
			{
				name: 'database_path',
				type: 'path',
				required: true,
				default: null,
				description: 'Path to the QCoDeS database file (.db).',
				secret: false,
				placeholder: '<path to database.db>'
			},
			setUp('Name of the experimental set-up, added as the set-up attribute.')
		],
		// As the SDK has it: a run's experiment name is its scope identifier.
		scopeRule: 'optional',
		hasOwner: true,
		folderField: null,
		fileField: 'database_path',
		checkConfig: (config) => {
			const message = qcodesSchemaProblem(String(config.database_path));
			return message ? { field: 'database_path', message } : null;
		},
		implementation: qcodes
	},
	{
		identifier: 'etiket_sync_agent_quantify',
		name: 'Quantify',
		package: 'etiket-sync-agent-quantify',
		description:
			'Sync Quantify datasets: HDF5 (and early netCDF) datasets in YYYYMMDD/<TUID>-<name> folders, with their auxiliary files.',
		configFields: [
			{
				name: 'quantify_directory',
				type: 'path',
				required: true,
				default: null,
				description: 'Path to the Quantify data directory.',
				secret: false,
				placeholder: '<path to quantify data directory>'
			},
			setUp('Name of the experimental set-up (added as the set-up attribute).'),
			isServerFolder
		],
		scopeRule: 'required',
		hasOwner: true,
		folderField: 'quantify_directory',
		implementation: quantify
	},
	{
		identifier: 'etiket_sync_agent_labber',
		name: 'Labber',
		package: 'etiket-sync-agent-labber',
		description:
			'Sync Labber log files (.hdf5) from a Labber data directory (YYYY/MM/Data_MMDD/<name>.hdf5), each with an xarray-readable export of its logs.',
		configFields: [
			{
				name: 'labber_directory',
				type: 'path',
				required: true,
				default: null,
				description: 'Path to the Labber data directory.',
				secret: false,
				placeholder: '<path to labber data directory>'
			},
			setUp('Name of the experimental set-up.'),
			isServerFolder
		],
		scopeRule: 'required',
		hasOwner: true,
		folderField: 'labber_directory',
		implementation: labber
	},
	{
		identifier: 'etiket_sync_agent_coretools',
		name: 'Core Tools',
		package: 'etiket-sync-agent-coretools',
		description:
			'Sync Core Tools measurements from its PostgreSQL database, read-only: every measurement, running ones as they grow; projects are the scope identifiers.',
		configFields: [
			{
				name: 'host',
				type: 'string',
				required: false,
				default: 'localhost',
				description: 'Database server.',
				secret: false,
				placeholder: null
			},
			{
				name: 'port',
				type: 'integer',
				required: false,
				default: 5432,
				description: 'Database port.',
				secret: false,
				placeholder: null
			},
			{
				name: 'dbname',
				type: 'string',
				required: true,
				default: null,
				description: 'Database name.',
				secret: false,
				placeholder: '<database name>'
			},
			{
				name: 'user',
				type: 'string',
				required: true,
				default: null,
				description: 'Database user.',
				secret: false,
				placeholder: '<database user>'
			},
			{
				name: 'password',
				type: 'string',
				required: true,
				default: null,
				description: 'Password of the database user.',
				secret: true,
				placeholder: '<password>'
			}
		],
		// As the SDK has it: a measurement's project is its scope identifier.
		scopeRule: 'optional',
		hasOwner: true,
		folderField: null,
		serverData: {
			field: 'dbname',
			of: (config) => {
				const { host, port, dbname } = serverOf(config);
				return `${dbname} on ${host.toLowerCase()}:${port}`;
			}
		},
		implementation: coretools
	},
	{
		identifier: 'etiket_sync_agent_folderbase',
		name: 'FolderBase',
		package: 'etiket-sync-agent-folderbase',
		description:
			'Sync files from a folder: every folder holding a _QH_dataset_info.yaml is a dataset. Supports converters.',
		configFields: [
			{
				name: 'root_directory',
				type: 'path',
				required: true,
				default: null,
				description: 'Folder to sync; its top-level folders are the scope identifiers.',
				secret: false,
				placeholder: '<path to folder>'
			},
			isServerFolder
		],
		scopeRule: 'optional',
		hasOwner: false,
		folderField: 'root_directory',
		implementation: folderbase
	}
];

export function findBackend(identifier: string): BackendDefinition | undefined {
	return backends.find((backend) => backend.identifier === identifier);
}

/** The folder a source of this backend reads, by its settings; null for backends without one. */
export function folderOf(backend: BackendDefinition, config: ConfigData): string | null {
	return backend.folderField ? String(config[backend.folderField]) : null;
}

/** What a source reads, folder or file: gone (a drive not mounted), the source waits for it. */
export function dataPathOf(
	backend: BackendDefinition,
	config: ConfigData
): { path: string; kind: 'folder' | 'file' } | null {
	if (backend.folderField) return { path: String(config[backend.folderField]), kind: 'folder' };
	if (backend.fileField) return { path: String(config[backend.fileField]), kind: 'file' };
	return null;
}

/** Whether what a source reads is there now (links followed: a source's folder may be one). */
export function dataIsThere(data: { path: string; kind: 'folder' | 'file' }): boolean {
	try {
		const stat = fs.statSync(data.path, { throwIfNoEntry: false });
		return data.kind === 'folder' ? !!stat?.isDirectory() : !!stat?.isFile();
	} catch {
		return false;
	}
}

/** Items are kept per folder or database read: another one set, the old items go missing. */
export function itemRootOf(backend: BackendDefinition, config: ConfigData): string {
	return dataPathOf(backend, config)?.path ?? '';
}

function pythonLiteral(value: unknown): string {
	if (typeof value === 'boolean') return value ? 'True' : 'False';
	if (value === null || value === undefined) return 'None';
	if (typeof value === 'number') return String(value);
	return JSON.stringify(String(value));
}

/** `SyncSources.backend(identifier).example()`, in the SDK's exact format. */
export function exampleOf(backend: BackendDefinition): string {
	const short = backend.identifier.replace(/^etiket_sync_agent_/, '');
	const config = backend.configFields.map((field) => {
		const value = field.default ?? field.placeholder ?? `<${field.name}>`;
		return `        "${field.name}": ${pythonLiteral(value)},`;
	});
	return [
		'# Copy-paste this example to create a sync source:',
		'SyncSources.create(',
		`    name="my_${short}_source",`,
		`    backend_identifier="${backend.identifier}",`,
		...(config.length ? ['    config_data={', ...config, '    },'] : ['    config_data={},']),
		...(backend.scopeRule === 'required' ? ['    default_scope="<scope uuid>",'] : []),
		')'
	].join('\n');
}

export function describeBackend(backend: BackendDefinition): Backend {
	const installed = backend.implementation !== null;
	return {
		identifier: backend.identifier,
		name: backend.name,
		package: backend.package,
		description: backend.description,
		installed,
		version: installed ? EMBEDDED_VERSION : null,
		config_fields: backend.configFields,
		scope_rule: backend.scopeRule,
		has_owner: backend.hasOwner,
		example: exampleOf(backend)
	};
}

import { z } from 'zod';
import { Uuid } from './common';
import { body, errors, json, type Operation } from './operation';

export const ConfigFieldType = z.enum(['string', 'path', 'boolean', 'integer', 'number']);

export const ConfigField = z
	.object({
		name: z.string(),
		type: ConfigFieldType,
		required: z.boolean(),
		default: z.union([z.string(), z.number(), z.boolean()]).nullable(),
		description: z.string(),
		/** Never shown back to a person once stored (passwords, tokens). */
		secret: z.boolean(),
		/** What to write when there is no default, as the example shows it (`<path to folder>`). */
		placeholder: z.string().nullable()
	})
	.meta({ id: 'ConfigField' });

/**
 * `required`: a source needs a default scope and every item goes there. `optional`: without
 * one, each item's scope identifier is mapped to a scope through the source's mappings.
 */
export const ScopeRule = z.enum(['required', 'optional']);

export const Backend = z
	.object({
		identifier: z.string(),
		name: z.string(),
		package: z.string(),
		description: z.string(),
		installed: z.boolean(),
		version: z.string().nullable(),
		config_fields: z.array(ConfigField),
		scope_rule: ScopeRule,
		/** Sources of this backend upload with their owner's credentials. */
		has_owner: z.boolean(),
		/** `SyncSources.backend(identifier).example()`, character for character. */
		example: z.string()
	})
	.meta({ id: 'Backend' });

export const Converter = z
	.object({
		name: z.string(),
		package: z.string(),
		description: z.string(),
		installed: z.boolean(),
		version: z.string().nullable(),
		input_extensions: z.array(z.string()),
		output_extension: z.string(),
		/** How to use it in a folder-base dataset's `_QH_dataset_info.yaml`. */
		example: z.string()
	})
	.meta({ id: 'Converter' });

export const InstallRequest = z
	.discriminatedUnion('source', [
		z.object({
			source: z.literal('pypi'),
			package: z.string().trim().min(1, 'Name the package'),
			version: z.string().trim().min(1).optional()
		}),
		z.object({
			source: z.literal('local'),
			path: z.string().trim().min(1, 'Give the package path'),
			editable: z.boolean().default(false)
		})
	])
	.meta({ id: 'InstallRequest' });

export const UpdateRequest = z.object({ version: z.string().trim().min(1).optional() });

export const Scope = z.object({ uuid: Uuid, name: z.string() }).meta({ id: 'Scope' });

export const IdentifierParams = z.object({ identifier: z.string().min(1).max(200) });
export const ConverterParams = z.object({ name: z.string().min(1).max(200) });

const Count = z.number().int().nonnegative();

/** Which sources used a converter, by the files of their items' last syncs. */
export const ConverterUsage = z
	.object({
		name: z.string(),
		/** Files it converted, and conversions that failed (not installed, not a table…). */
		files: Count,
		failed: Count,
		sources: z.array(
			z.object({
				id: z.number().int().positive(),
				name: z.string(),
				items: Count,
				files: Count,
				failed: Count
			})
		)
	})
	.meta({ id: 'ConverterUsage' });

/** The same five operations for backends and for converters. */
function packageOperations<S extends z.ZodType, P extends z.ZodObject>(
	kind: 'backends' | 'converters',
	noun: 'Backend' | 'Converter',
	schema: S,
	params: P,
	key: '{identifier}' | '{name}'
) {
	const base = `/api/v1/${kind}` as const;
	const tags = [kind];
	const notSupported = errors('NotSupported', 'ValidationError', 'NotFound');
	return {
		list: {
			operationId: `list${noun}s`,
			method: 'get',
			path: base,
			summary: `${noun}s known to the agent (${noun}s.list)`,
			tags,
			responses: { 200: json(z.array(schema), `The ${kind}`), ...errors() }
		},
		get: {
			operationId: `get${noun}`,
			method: 'get',
			path: `${base}/${key}`,
			summary: `One ${noun.toLowerCase()} with its details (${noun}s.get)`,
			tags,
			request: { params },
			responses: { 200: json(schema, `The ${noun.toLowerCase()}`), ...errors('NotFound') }
		},
		install: {
			operationId: `install${noun}`,
			method: 'post',
			path: `${base}/install`,
			summary: `Install a ${noun.toLowerCase()} package (${noun}s.install_from_pypi/local)`,
			tags,
			request: { body: body(InstallRequest) },
			responses: { 200: json(schema, `The installed ${noun.toLowerCase()}`), ...notSupported }
		},
		update: {
			operationId: `update${noun}`,
			method: 'post',
			path: `${base}/${key}/update`,
			summary: `Update a ${noun.toLowerCase()} package (${noun}s.update_from_pypi)`,
			tags,
			request: { params, body: body(UpdateRequest) },
			responses: { 200: json(schema, `The updated ${noun.toLowerCase()}`), ...notSupported }
		},
		uninstall: {
			operationId: `uninstall${noun}`,
			method: 'delete',
			path: `${base}/${key}`,
			summary: `Uninstall a ${noun.toLowerCase()} (${noun}s.uninstall)`,
			tags,
			request: { params },
			responses: { 200: json(schema, `The uninstalled ${noun.toLowerCase()}`), ...notSupported }
		}
	} satisfies Record<string, Operation>;
}

const backendOps = packageOperations(
	'backends',
	'Backend',
	Backend,
	IdentifierParams,
	'{identifier}'
);
const converterOps = packageOperations(
	'converters',
	'Converter',
	Converter,
	ConverterParams,
	'{name}'
);

export const catalogOperations = {
	listBackends: backendOps.list,
	getBackend: backendOps.get,
	installBackend: backendOps.install,
	updateBackend: backendOps.update,
	uninstallBackend: backendOps.uninstall,
	listConverters: converterOps.list,
	getConverter: converterOps.get,
	installConverter: converterOps.install,
	updateConverter: converterOps.update,
	uninstallConverter: converterOps.uninstall,
	getConverterUsage: {
		operationId: 'getConverterUsage',
		method: 'get',
		path: '/api/v1/converters/{name}/usage',
		summary: "Which sources' datasets a converter converted files of, at their last sync",
		tags: ['converters'],
		request: { params: ConverterParams },
		responses: { 200: json(ConverterUsage, 'How it was used'), ...errors('NotFound') }
	},
	listScopes: {
		operationId: 'listScopes',
		method: 'get',
		path: '/api/v1/scopes',
		summary: 'Scopes items can be synced to',
		tags: ['scopes'],
		responses: { 200: json(z.array(Scope), 'The scopes'), ...errors() }
	}
} satisfies Record<string, Operation>;

export type Backend = z.infer<typeof Backend>;
export type Converter = z.infer<typeof Converter>;
export type ConverterUsage = z.infer<typeof ConverterUsage>;
export type ConfigField = z.infer<typeof ConfigField>;
export type Scope = z.infer<typeof Scope>;
export type InstallRequest = z.input<typeof InstallRequest>;
export type ScopeRule = z.infer<typeof ScopeRule>;

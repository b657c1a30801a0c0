import type { Backend, SourceCreate } from '$lib/contract';

export interface SourceFormValues {
	name: string;
	default_scope: string;
	autoassign_scope_mapping: boolean;
	/** Typed values by field name; secrets are never echoed back. */
	config: Record<string, string | boolean>;
}

/**
 * Reads the create/edit form generated from a backend's config fields into the sync API's
 * body. Empty optional fields are left out (the backend's default applies); an empty secret
 * is left out too, so an edit keeps the stored one.
 */
export function readSourceForm(form: FormData, backend: Backend) {
	const values: SourceFormValues = {
		name: String(form.get('name') ?? '').trim(),
		default_scope: String(form.get('default_scope') ?? ''),
		autoassign_scope_mapping: form.get('autoassign_scope_mapping') === 'on',
		config: {}
	};
	const config: Record<string, unknown> = {};
	for (const field of backend.config_fields) {
		const key = `config.${field.name}`;
		if (field.type === 'boolean') {
			values.config[field.name] = form.get(key) === 'on';
			config[field.name] = form.get(key) === 'on';
			continue;
		}
		const raw = String(form.get(key) ?? '').trim();
		if (!field.secret) values.config[field.name] = raw;
		if (raw === '') continue;
		const number = Number(raw);
		config[field.name] =
			field.type === 'integer' || field.type === 'number'
				? Number.isNaN(number)
					? raw
					: number
				: raw;
	}
	const body: SourceCreate = {
		name: values.name,
		backend_identifier: backend.identifier,
		config_data: config,
		default_scope: values.default_scope || null,
		autoassign_scope_mapping: values.autoassign_scope_mapping
	};
	return { body, values };
}

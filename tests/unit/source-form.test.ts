import { describe, expect, it } from 'vitest';
import type { Backend } from '$lib/contract';
import { readSourceForm } from '$lib/source-form';

const backend: Backend = {
	identifier: 'etiket_sync_agent_coretools',
	name: 'Core Tools',
	package: 'etiket-sync-agent-coretools',
	description: '',
	installed: true,
	version: null,
	config_fields: [
		{
			name: 'dbname',
			type: 'string',
			required: true,
			default: null,
			description: '',
			secret: false,
			placeholder: null
		},
		{
			name: 'password',
			type: 'string',
			required: true,
			default: null,
			description: '',
			secret: true,
			placeholder: null
		}
	],
	scope_rule: 'optional',
	has_owner: true,
	example: ''
};

function form(fields: Record<string, string>) {
	const data = new FormData();
	for (const [name, value] of Object.entries(fields)) data.set(name, value);
	return data;
}

describe('the source form', () => {
	it('leaves an empty secret out, so an edit keeps the stored one', () => {
		const { body, values } = readSourceForm(
			form({ name: 'Lab', 'config.dbname': 'lab', 'config.password': '' }),
			backend
		);
		expect(body.config_data).toEqual({ dbname: 'lab' });
		expect(values.config).toEqual({ dbname: 'lab' });
	});

	it('sends a typed secret, and never echoes it back to the form', () => {
		const { body, values } = readSourceForm(
			form({ name: 'Lab', 'config.dbname': 'lab', 'config.password': 's3cret' }),
			backend
		);
		expect(body.config_data).toEqual({ dbname: 'lab', password: 's3cret' });
		expect(JSON.stringify(values)).not.toContain('s3cret');
	});
});

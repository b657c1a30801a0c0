import { describe, expect, it } from 'vitest';
import { rejection, startAgent } from './harness';

const IDENTIFIERS = [
	'etiket_sync_agent_native',
	'etiket_sync_agent_qcodes',
	'etiket_sync_agent_quantify',
	'etiket_sync_agent_labber',
	'etiket_sync_agent_coretools',
	'etiket_sync_agent_folderbase'
];
const INSTALLED = [
	'etiket_sync_agent_qcodes',
	'etiket_sync_agent_quantify',
	'etiket_sync_agent_labber',
	'etiket_sync_agent_coretools',
	'etiket_sync_agent_folderbase'
];

const FOLDERBASE_EXAMPLE = `# Copy-paste this example to create a sync source:
SyncSources.create(
    name="my_folderbase_source",
    backend_identifier="etiket_sync_agent_folderbase",
    config_data={
        "root_directory": "<path to folder>",
        "is_server_folder": False,
    },
)`;

describe('backends', () => {
	it('lists exactly the six backends of the SDK, five of them installed', async () => {
		const { client } = await startAgent();
		const backends = await client.listBackends();
		expect(backends.map((backend) => backend.identifier).sort()).toEqual([...IDENTIFIERS].sort());
		for (const backend of backends) {
			const installed = INSTALLED.includes(backend.identifier);
			expect(backend.installed, backend.identifier).toBe(installed);
			if (installed) expect(backend.version, backend.identifier).toMatch(/\S/);
			else expect(backend.version, backend.identifier).toBeNull();
			expect(backend.name).toMatch(/\S/);
			expect(backend.package).toMatch(/^etiket-sync-agent/);
			expect(
				backend.example.startsWith('# Copy-paste this example to create a sync source:\n')
			).toBe(true);
		}
	});

	it('describes every config field with name, type, required, default, description, secret', async () => {
		const { client } = await startAgent();
		const backends = await client.listBackends();
		for (const backend of backends) {
			if (backend.identifier !== 'etiket_sync_agent_native') {
				expect(backend.config_fields.length, backend.identifier).toBeGreaterThan(0);
			}
			for (const field of backend.config_fields) {
				const label = `${backend.identifier}.${field.name}`;
				expect(Object.keys(field).sort(), label).toEqual(
					['default', 'description', 'name', 'placeholder', 'required', 'secret', 'type'].sort()
				);
				expect(field.name, label).toMatch(/^[a-z_]+$/);
				expect(['string', 'path', 'boolean', 'integer', 'number'], label).toContain(field.type);
				expect(typeof field.required, label).toBe('boolean');
				expect(typeof field.secret, label).toBe('boolean');
				expect(field.description, label).toMatch(/\S/);
				if (field.required) expect(field.default, label).toBeNull();
			}
		}
		const folderbase = backends.find((b) => b.identifier === 'etiket_sync_agent_folderbase')!;
		expect(folderbase.config_fields).toEqual([
			expect.objectContaining({ name: 'root_directory', type: 'path', required: true }),
			expect.objectContaining({
				name: 'is_server_folder',
				type: 'boolean',
				required: false,
				default: false
			})
		]);
		const coretools = backends.find((b) => b.identifier === 'etiket_sync_agent_coretools')!;
		expect(coretools.config_fields.find((field) => field.name === 'password')).toMatchObject({
			secret: true
		});
	});

	it('gives the folder-base example character for character', async () => {
		const { client } = await startAgent();
		const folderbase = await client.getBackend({ identifier: 'etiket_sync_agent_folderbase' });
		expect(folderbase.example).toBe(FOLDERBASE_EXAMPLE);
		expect(folderbase).toMatchObject({ installed: true, scope_rule: 'optional' });
		const listed = (await client.listBackends()).find(
			(backend) => backend.identifier === 'etiket_sync_agent_folderbase'
		);
		expect(listed).toEqual(folderbase);
	});

	it('gives a Quantify example with its three config keys and a default scope', async () => {
		const { client } = await startAgent();
		const quantify = await client.getBackend({ identifier: 'etiket_sync_agent_quantify' });
		expect(quantify).toMatchObject({ installed: true, scope_rule: 'required' });
		expect(quantify.config_fields.map((field) => field.name)).toEqual([
			'quantify_directory',
			'set_up',
			'is_server_folder'
		]);
		for (const key of ['quantify_directory', 'set_up', 'is_server_folder']) {
			expect(quantify.example).toMatch(new RegExp(`^ {8}"${key}": .+,$`, 'm'));
		}
		expect(quantify.example).toContain('    backend_identifier="etiket_sync_agent_quantify",');
		expect(quantify.example).toMatch(/^ {4}default_scope=.+,$/m);
		expect(quantify.example.endsWith('\n)')).toBe(true);
	});

	it('answers 404 NotFound for an unknown backend', async () => {
		const { client } = await startAgent();
		expect(
			await rejection(client.getBackend({ identifier: 'etiket_sync_agent_nope' }))
		).toMatchObject({ status: 404, code: 'NotFound' });
		expect(
			await rejection(client.updateBackend({ identifier: 'etiket_sync_agent_nope' }))
		).toMatchObject({ status: 404, code: 'NotFound' });
		expect(
			await rejection(client.uninstallBackend({ identifier: 'etiket_sync_agent_nope' }))
		).toMatchObject({ status: 404, code: 'NotFound' });
	});

	it('refuses to install, update or uninstall a backend: 501, it needs the Python sync agent', async () => {
		const { client } = await startAgent();
		const calls: [string, () => Promise<unknown>][] = [
			[
				'install from pypi',
				() => client.installBackend({ source: 'pypi', package: 'etiket-sync-agent-qcodes' })
			],
			[
				'install local',
				() => client.installBackend({ source: 'local', path: '/opt/etiket-sync-agent-qcodes' })
			],
			[
				'update',
				() => client.updateBackend({ identifier: 'etiket_sync_agent_quantify', version: '1.2.0' })
			],
			['uninstall', () => client.uninstallBackend({ identifier: 'etiket_sync_agent_quantify' })]
		];
		for (const [label, call] of calls) {
			const failure = await rejection(call());
			expect(failure, label).toMatchObject({ status: 501, code: 'NotSupported' });
			expect(failure.message, label).toMatch(/needs the Python sync agent/);
		}
		// Still there and installed.
		expect((await client.getBackend({ identifier: 'etiket_sync_agent_quantify' })).installed).toBe(
			true
		);
	});

	it('answers an install request missing the package with 422 on that field', async () => {
		const { request } = await startAgent();
		const post = (url: string, body: unknown) =>
			request(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body)
			});
		for (const url of ['/api/v1/backends/install', '/api/v1/converters/install']) {
			const missing = await post(url, { source: 'pypi' });
			expect(missing.status, url).toBe(422);
			const body = await missing.json();
			expect(body.error.code).toBe('ValidationError');
			expect(body.error.details.map((d: { path: string }) => d.path)).toEqual(['package']);

			const blank = await post(url, { source: 'pypi', package: '  ' });
			expect(blank.status).toBe(422);
			expect((await blank.json()).error.details[0].path).toBe('package');

			const noPath = await post(url, { source: 'local' });
			expect(noPath.status).toBe(422);
			expect((await noPath.json()).error.details.map((d: { path: string }) => d.path)).toEqual([
				'path'
			]);
		}
	});

	it('refuses a source of a backend that is not installed: 422 on backend_identifier', async () => {
		const { client } = await startAgent();
		const failure = await rejection(
			client.createSource({
				name: 'qdrive datasets',
				backend_identifier: 'etiket_sync_agent_native',
				config_data: {}
			})
		);
		expect(failure).toMatchObject({ status: 422, code: 'ValidationError' });
		expect(failure.details.map((detail) => detail.path)).toEqual(['backend_identifier']);
		expect(await client.listSources()).toEqual([]);
	});
});

describe('converters', () => {
	it('lists the converters, the text-table ones built in, and gets one by name', async () => {
		const { client } = await startAgent();
		const converters = await client.listConverters();
		expect(converters.map((c) => [c.name, c.installed])).toEqual([
			['txt_to_hdf5', true],
			['csv_to_hdf5', true],
			['zarr_to_netcdf4', false],
			['zarr_to_zip', false]
		]);
		for (const converter of converters) {
			expect(await client.getConverter({ name: converter.name })).toEqual(converter);
			expect(converter.version === null).toBe(!converter.installed);
			const [input, output] = converter.name.split('_to_');
			expect(converter.input_extensions).toEqual([`.${input}`]);
			expect(converter.output_extension).toBe(`.${output}`);
			// The writer's shape, which the folder-base backend reads.
			expect(converter.example).toMatch(
				new RegExp(
					`^converters:\\n  ${converter.name}_converter:\\n    module: \\S+\\n    class: \\S+$`
				)
			);
		}
		expect(await client.getConverterUsage({ name: 'csv_to_hdf5' })).toEqual({
			name: 'csv_to_hdf5',
			files: 0,
			failed: 0,
			sources: []
		});
		expect(await rejection(client.getConverter({ name: 'no_such_converter' }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
	});

	it('refuses to install, update or uninstall a converter: 501, it needs the Python sync agent', async () => {
		const { client } = await startAgent();
		const name = (await client.listConverters())[0]!.name;
		const calls: [string, () => Promise<unknown>][] = [
			[
				'install from pypi',
				() => client.installConverter({ source: 'pypi', package: 'etiket-converter-csv' })
			],
			[
				'install local',
				() => client.installConverter({ source: 'local', path: '/opt/conv', editable: true })
			],
			['update', () => client.updateConverter({ name })],
			['uninstall', () => client.uninstallConverter({ name })]
		];
		for (const [label, call] of calls) {
			const failure = await rejection(call());
			expect(failure, label).toMatchObject({ status: 501, code: 'NotSupported' });
			expect(failure.message, label).toMatch(/needs the Python sync agent/);
		}
		expect(await rejection(client.updateConverter({ name: 'no_such_converter' }))).toMatchObject({
			status: 404,
			code: 'NotFound'
		});
		expect(await rejection(client.uninstallConverter({ name: 'no_such_converter' }))).toMatchObject(
			{ status: 404, code: 'NotFound' }
		);
	});
});

describe('scopes', () => {
	it('are seeded with one default scope', async () => {
		const { client } = await startAgent();
		const scopes = await client.listScopes();
		expect(scopes).toHaveLength(1);
		expect(scopes[0]!.name).toMatch(/\S/);
		expect(scopes[0]!.uuid).toMatch(
			/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
		);
	});

	it('come from QH_SCOPES when given', async () => {
		const given = [
			{ uuid: '2b1c5e8a-6a0f-4d35-9a48-3f0e8f6c1d11', name: 'Quantum dots' },
			{ uuid: '7f4d2a90-1b3c-4e5f-8a6b-9c0d1e2f3a44', name: 'Fridge B' }
		];
		const { client } = await startAgent({ QH_SCOPES: JSON.stringify(given) });
		const scopes = await client.listScopes();
		expect([...scopes].sort((a, b) => a.uuid.localeCompare(b.uuid))).toEqual(
			[...given].sort((a, b) => a.uuid.localeCompare(b.uuid))
		);
	});
});

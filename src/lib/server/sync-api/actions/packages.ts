import type { RequestEvent } from '@sveltejs/kit';
import type { InstallRequest } from '$lib/contract';
import type { SyncApiClient } from '../client';
import { syncApi } from '../configured';
import { act } from '../failure-mapping';

interface Described {
	name: string;
	version: string | null;
}

/**
 * The sync API's install/update/uninstall of one kind of package (backends or converters), on
 * the agent the page is of (`api`).
 */
export interface PackageOperations {
	install(api: SyncApiClient, body: InstallRequest): Promise<Described>;
	update(api: SyncApiClient, key: string, body: { version?: string }): Promise<Described>;
	uninstall(api: SyncApiClient, key: string): Promise<Described>;
}

const text = (data: FormData, name: string) => String(data.get(name) ?? '');
const versionOf = (version: string) => version.trim() || undefined;
const versioned = (result: Described) => (result.version ? ` ${result.version}` : '');

/** The `install`, `update` and `uninstall` form actions of a package's detail page. */
export function packageActions(ops: PackageOperations, keyOf: (event: RequestEvent) => string) {
	return {
		install: async ({ request, url }: RequestEvent) => {
			const data = await request.formData();
			if (text(data, 'source') === 'local') {
				const values = {
					form: 'local' as const,
					path: text(data, 'path'),
					editable: data.has('editable')
				};
				const body = { source: 'local' as const, path: values.path, editable: values.editable };
				return act(
					() => ops.install(syncApi(url), body),
					(r) => `Installed ${r.name}${versioned(r)}`,
					values
				);
			}
			const values = {
				form: 'pypi' as const,
				package: text(data, 'package'),
				version: text(data, 'version')
			};
			const body = {
				source: 'pypi' as const,
				package: values.package,
				version: versionOf(values.version)
			};
			return act(
				() => ops.install(syncApi(url), body),
				(r) => `Installed ${r.name}${versioned(r)}`,
				values
			);
		},
		update: async (event: RequestEvent) => {
			const values = {
				form: 'update' as const,
				version: text(await event.request.formData(), 'version')
			};
			return act(
				() => ops.update(syncApi(event.url), keyOf(event), { version: versionOf(values.version) }),
				(r) => `Updated ${r.name}${r.version ? ` to ${r.version}` : ''}`,
				values
			);
		},
		uninstall: (event: RequestEvent) =>
			act(
				() => ops.uninstall(syncApi(event.url), keyOf(event)),
				(r) => `Uninstalled ${r.name}`,
				{ form: 'uninstall' as const }
			)
	};
}

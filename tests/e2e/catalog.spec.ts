import { expectAccessible, screenshot } from './a11y';
import { expect, test } from './fixtures';
import { api, datasetFolder, folderbaseSource, settled } from './seed';

const FOLDERBASE = 'etiket_sync_agent_folderbase';

// The catalog is the sync API's own: no agent process is needed.
test.use({ stackOptions: { agent: false } });

/** The output of `SyncSources.backend("etiket_sync_agent_folderbase").example()`, from the SDK README. */
const folderbaseExample = `# Copy-paste this example to create a sync source:
SyncSources.create(
    name="my_folderbase_source",
    backend_identifier="etiket_sync_agent_folderbase",
    config_data={
        "root_directory": "<path to folder>",
        "is_server_folder": False,
    },
)`;

const notSupported = (what: string) =>
	`${what} needs the Python sync agent (pip in its environment); the embedded sync agent has its backends built in and cannot install, update or uninstall packages.`;

test('the catalog lists the six backends with their installed state', async ({ page }) => {
	await page.goto('/backends');
	await expect(page).toHaveTitle('Backends · eTiKeT Sync');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Backends');
	const list = page.getByRole('main').getByRole('list');
	await expect(list.getByRole('listitem')).toHaveCount(6);

	const expected = [
		['QH datasets', 'etiket_sync_agent_native', false, 'default scope or scope mappings'],
		['QCoDeS', 'etiket_sync_agent_qcodes', true, 'default scope or scope mappings'],
		['Quantify', 'etiket_sync_agent_quantify', true, 'needs a default scope'],
		['Labber', 'etiket_sync_agent_labber', true, 'needs a default scope'],
		['Core Tools', 'etiket_sync_agent_coretools', true, 'default scope or scope mappings'],
		['FolderBase', FOLDERBASE, true, 'default scope or scope mappings']
	] as const;
	for (const [name, identifier, installed, scopes] of expected) {
		const item = list.getByRole('listitem', { name, exact: true });
		await expect(item.getByRole('link', { name, exact: true })).toHaveAttribute(
			'href',
			`/backends/${identifier}`
		);
		await expect(item.getByText(identifier, { exact: true })).toBeVisible();
		await expect(item.getByText(scopes, { exact: true })).toBeVisible();
		if (installed) {
			await expect(item.getByText('installed', { exact: true })).toBeVisible();
			await expect(item.getByText('0.3.0-embedded', { exact: true })).toBeVisible();
		} else {
			await expect(item.getByText('not installed', { exact: true })).toBeVisible();
		}
	}
	await expect(
		list.getByRole('listitem', { name: 'FolderBase' }).getByText('no owner concept')
	).toBeVisible();

	await expectAccessible(page);
	await screenshot(page, 'backends', test.info());
});

test('the folder-base page shows its fields, the SDK example exactly, and the same request as curl', async ({
	page,
	stack
}) => {
	await page.goto('/backends');
	await page.getByRole('link', { name: 'FolderBase', exact: true }).click();
	await expect(page).toHaveURL(`/backends/${FOLDERBASE}`);
	await expect(page).toHaveTitle('FolderBase backend · eTiKeT Sync');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('FolderBase');
	const about = page.getByRole('region', { name: 'About' });
	await expect(about.getByText('etiket-sync-agent-folderbase', { exact: true })).toBeVisible();
	await expect(about.getByText('0.3.0-embedded', { exact: true })).toBeVisible();

	const fields = page.getByRole('table');
	const root = fields.getByRole('row', { name: /root_directory/ });
	await expect(root.getByRole('cell')).toHaveText([
		'path',
		'required',
		'none',
		'Folder to sync; its top-level folders are the scope identifiers.'
	]);
	await expect(fields.getByRole('row', { name: /is_server_folder/ }).getByRole('cell')).toHaveText([
		'boolean',
		'optional',
		'false',
		/server or network drive/
	]);

	const example = page.getByRole('figure', { name: 'Python example' }).locator('code');
	expect(await example.textContent()).toBe(folderbaseExample);

	const curl = await page
		.getByRole('figure', { name: 'curl request' })
		.locator('code')
		.textContent();
	const body = {
		name: 'my_folderbase_source',
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: '<path to folder>', is_server_folder: false }
	};
	expect(curl).toBe(
		[
			`curl -X POST ${stack.syncApiUrl}/api/v1/sources \\`,
			`  -H 'content-type: application/json' \\`,
			`  -d '${JSON.stringify(body, null, 2)}'`
		].join('\n')
	);
	// The body is what the sync API takes: with a real folder it creates the source.
	const json = JSON.parse(curl!.slice(curl!.indexOf("-d '") + 4, -1)) as typeof body;
	json.config_data.root_directory = datasetFolder({});
	await expect(api(stack, 'POST', '/sources', json)).resolves.toMatchObject({
		name: 'my_folderbase_source'
	});

	await expectAccessible(page);
	await screenshot(page, 'backend-folderbase', test.info());

	await page.getByRole('link', { name: 'Create a source with this backend' }).click();
	await expect(page).toHaveURL(`/sources/new?backend=${FOLDERBASE}`);
});

test('the native backend says why this agent cannot run it; Core Tools marks its secret', async ({
	page,
	stack
}) => {
	// The native backend is the Python agent's own: no package installs it here.
	await page.goto('/backends/etiket_sync_agent_native');
	await expect(page.getByText('is part of the Python sync agent itself')).toBeVisible();
	await expect(page.getByText('This sync agent cannot run its sources')).toBeVisible();
	await expect(page.getByRole('link', { name: 'Create a source with this backend' })).toHaveCount(
		0
	);

	await page.goto('/backends/etiket_sync_agent_coretools');
	await expect(page.getByRole('link', { name: 'Create a source with this backend' })).toBeVisible();
	await expect(page.getByRole('row', { name: /password/ }).getByRole('rowheader')).toHaveText(
		/password\s+secret/
	);
	const curl = await page
		.getByRole('figure', { name: 'curl request' })
		.locator('code')
		.textContent();
	expect(curl).toContain('"port": 5432,');
	expect(curl).toContain('"password": "<password>"');

	// A backend whose sources need a default scope asks for one in both requests.
	await page.goto('/backends/etiket_sync_agent_labber');
	const example = await page.getByRole('figure', { name: 'Python example' }).textContent();
	expect(example).toContain('default_scope="<scope uuid>",');
	const labberCurl = await page
		.getByRole('figure', { name: 'curl request' })
		.locator('code')
		.textContent();
	expect(labberCurl).toContain(`curl -X POST ${stack.syncApiUrl}/api/v1/sources`);
	expect(labberCurl).toContain('"default_scope": "<scope uuid>"');

	await expectAccessible(page);
	await screenshot(page, 'backend-labber', test.info());
});

for (const javaScriptEnabled of [true, false]) {
	test.describe(javaScriptEnabled ? 'with JavaScript' : 'without JavaScript', () => {
		test.use({ javaScriptEnabled });

		test('installing from PyPI shows the agent refusing it', async ({ page }) => {
			await page.goto('/converters/zarr_to_netcdf4');
			const pypi = page.getByRole('form', { name: 'Install from PyPI' });
			await expect(pypi.getByLabel('Package name')).toHaveValue('etiket-converter-zarr');
			await pypi.getByLabel('Version (optional)').fill('0.45.0');
			await pypi.getByRole('button', { name: 'Install' }).click();
			await expect(page.getByRole('alert')).toHaveText(notSupported('Installing a converter'));
			await expect(pypi.getByLabel('Version (optional)')).toHaveValue('0.45.0');
		});

		test('an empty package name shows a field error and keeps what was typed', async ({ page }) => {
			await page.goto('/converters/zarr_to_netcdf4');
			const pypi = page.getByRole('form', { name: 'Install from PyPI' });
			await pypi.getByLabel('Package name').fill('  ');
			await pypi.getByLabel('Version (optional)').fill('1.2.3');
			await pypi.getByRole('button', { name: 'Install' }).click();
			await expect(page.getByRole('alert')).toHaveText('Some fields need attention: see below');
			const name = pypi.getByLabel('Package name');
			await expect(name).toHaveAttribute('aria-invalid', 'true');
			await expect(name).toHaveAccessibleDescription('Name the package');
			await expect(name).toHaveValue('  ');
			await expect(pypi.getByLabel('Version (optional)')).toHaveValue('1.2.3');

			const local = page.getByRole('form', { name: 'Install from a local folder' });
			await local.getByLabel('Editable install (for development)').check();
			await local.getByRole('button', { name: 'Install' }).click();
			await expect(local.getByLabel('Package path')).toHaveAccessibleDescription(
				/^Give the package path/
			);
			await expect(local.getByLabel('Editable install (for development)')).toBeChecked();
			await expect(name).not.toHaveAttribute('aria-invalid');
			// axe runs in the page: only with JavaScript.
			if (javaScriptEnabled) await expectAccessible(page);
		});
	});
}

test('uninstalling asks for confirmation first; updating and uninstalling are refused', async ({
	page,
	stack
}) => {
	await page.goto(`/backends/${FOLDERBASE}`);
	await expect(page.getByRole('form', { name: 'Install from PyPI' })).toHaveCount(0);

	await page.getByRole('link', { name: 'Uninstall' }).click();
	const dialog = page.getByRole('alertdialog', { name: /^Uninstall the FolderBase backend\?/ });
	await expect(dialog).toBeVisible();
	await dialog.getByRole('link', { name: 'Cancel' }).click();
	await expect(dialog).toHaveCount(0);

	await page.getByRole('link', { name: 'Uninstall' }).click();
	await dialog.getByRole('button', { name: 'Yes, uninstall' }).click();
	await expect(page.getByRole('alert')).toHaveText(notSupported('Uninstalling a backend'));
	const backend = await api<{ installed: boolean }>(stack, 'GET', `/backends/${FOLDERBASE}`);
	expect(backend.installed).toBe(true);

	const update = page.getByRole('form', { name: 'Update from PyPI' });
	await update.getByLabel('Version (optional)').fill('1.0.0');
	await update.getByRole('button', { name: 'Update' }).click();
	await expect(page.getByRole('alert')).toHaveText(notSupported('Updating a backend'));
	await expect(update.getByLabel('Version (optional)')).toHaveValue('1.0.0');
});

test('an unknown backend or converter gives a 404 page', async ({ page }) => {
	const response = await page.goto('/backends/etiket_sync_agent_nope');
	expect(response?.status()).toBe(404);
	await expect(page).toHaveTitle('Not found · eTiKeT Sync');
	await expect(page.getByText('No backend "etiket_sync_agent_nope"')).toBeVisible();

	expect((await page.goto('/converters/nope'))?.status()).toBe(404);
	await expect(page.getByText('No converter "nope"')).toBeVisible();
});

test('the converters list and a converter page with its YAML usage', async ({ page, stack }) => {
	await page.goto('/converters');
	await expect(page).toHaveTitle('Converters · eTiKeT Sync');
	const list = page.getByRole('main').getByRole('list');
	await expect(list.getByRole('listitem')).toHaveCount(4);
	const csv = list.getByRole('listitem', { name: 'csv_to_hdf5' });
	await expect(csv.getByText('.csv → .hdf5')).toBeVisible();
	await expect(csv.getByText('installed', { exact: true })).toBeVisible();
	await expect(csv.getByText('etiket-converter-csv', { exact: true })).toBeVisible();
	const zarr = list.getByRole('listitem', { name: 'zarr_to_netcdf4' });
	await expect(zarr.getByText('not installed', { exact: true })).toBeVisible();
	await expectAccessible(page);
	await screenshot(page, 'converters', test.info());

	await csv.getByRole('link', { name: 'csv_to_hdf5' }).click();
	await expect(page).toHaveURL('/converters/csv_to_hdf5');
	await expect(page).toHaveTitle('csv_to_hdf5 converter · eTiKeT Sync');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('csv_to_hdf5');
	const converter = await api<{ example: string }>(stack, 'GET', '/converters/csv_to_hdf5');
	const usage = page.getByRole('figure', { name: '_QH_dataset_info.yaml' }).locator('code');
	expect(await usage.textContent()).toBe(converter.example);
	await expect(page.getByRole('region', { name: 'Used by' })).toContainText(
		'No synced dataset has asked for csv_to_hdf5 yet.'
	);
	await expectAccessible(page);
	await screenshot(page, 'converter-csv', test.info());

	await page.goto('/converters/zarr_to_netcdf4');
	await expect(page.getByText('this sync agent cannot convert with it')).toBeVisible();
	// Installing it is tried below, with JavaScript and without.
});

test.describe('with an agent syncing', () => {
	test.use({ stackOptions: { agent: true } });

	test('a converter page counts the files it converted, per source', async ({ page, stack }) => {
		const { source } = await folderbaseSource(stack, 'Tables', {
			'P/run': {
				_info: 'converters:\n  csv_to_hdf5_converter: {module: m, class: C}\n',
				'a.csv': 'x(s),y\n1,2\n',
				'b.csv': 'x(s),y\n1,3\n'
			}
		});
		await settled(stack, source.id, 1);
		await page.goto('/converters/csv_to_hdf5');
		const used = page.getByRole('region', { name: 'Used by' });
		await expect(used).toContainText('2 files converted, 0 conversions failed');
		const row = used.getByRole('row', { name: /Tables/ });
		await expect(row.getByRole('cell')).toHaveText(['1', '2', '0']);
		await row.getByRole('link', { name: 'Tables' }).click();
		await expect(page).toHaveURL(`/sources/${source.id}`);
	});
});

test('the catalog pages fit a 375 px wide screen', async ({ page }) => {
	await page.setViewportSize({ width: 375, height: 800 });
	for (const path of [
		'/backends',
		`/backends/${FOLDERBASE}`,
		'/backends/etiket_sync_agent_coretools',
		'/backends/etiket_sync_agent_native',
		'/converters',
		'/converters/csv_to_hdf5'
	]) {
		await page.goto(path);
		const width = await page.evaluate(() => document.documentElement.scrollWidth);
		expect(width, path).toBeLessThanOrEqual(375);
	}
	await page.goto(`/backends/${FOLDERBASE}`);
	await screenshot(page, 'backend-folderbase-375px', test.info());
});

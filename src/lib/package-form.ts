import type { FormResult } from '$lib/form-result';

/** What a package form posted, sent back on failure so the fields keep what was typed. */
export type PackageFormValues =
	| { form: 'pypi'; package: string; version: string }
	| { form: 'local'; path: string; editable: boolean }
	| { form: 'update'; version: string }
	| { form: 'uninstall' };

/** A package page's last action result; `values.form` says which of its forms it was. */
export type PackageForm = FormResult<PackageFormValues>;

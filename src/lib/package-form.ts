import type { ErrorDetail } from '$lib/contract';

/** What a package form posted, sent back on failure so the fields keep what was typed. */
export type PackageFormValues =
	| { form: 'pypi'; package: string; version: string }
	| { form: 'local'; path: string; editable: boolean }
	| { form: 'update'; version: string }
	| { form: 'uninstall' };

/** A package page's `form` prop: the last action's message, and on failure what to show. */
export interface PackageForm {
	message?: string;
	issues?: ErrorDetail[];
	values?: PackageFormValues;
}

/** The sync API's message for one field of one form, if the last submit of that form failed. */
export function issueFor(
	form: PackageForm | null | undefined,
	which: PackageFormValues['form'],
	field: string
): string | undefined {
	if (form?.values?.form !== which) return undefined;
	return form.issues?.find((issue) => issue.path === field)?.message;
}

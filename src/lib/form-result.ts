import type { ErrorDetail } from '$lib/contract';

/**
 * What the dashboard's form actions answer (`act`, `actionFailure`, `fail()`): a message and,
 * after a failure, the sync API's issues by field path and the values typed, to show again.
 */
export interface FormResult<V extends object = object> {
	message?: string;
	issues?: ErrorDetail[];
	values?: V;
}

/** The message for a field (one or more paths name it), if the last action failed on it. */
export function issueAt(
	form: FormResult | null | undefined,
	...paths: string[]
): string | undefined {
	const issues = form?.issues ?? [];
	const messages = issues.filter((issue) => paths.includes(issue.path)).map((i) => i.message);
	return messages.length ? messages.join('; ') : undefined;
}

/** A field name of any of the forms whose result it may be. */
type FieldOf<V> = V extends object ? keyof V & string : never;

/** What the person typed into a field before a failed action, to show it again. */
export function valueAt<F extends FormResult>(
	form: F | null | undefined,
	key: FieldOf<NonNullable<F['values']>>
): string {
	const value = (form?.values as Record<string, unknown> | undefined)?.[key];
	return value === undefined || value === null ? '' : String(value);
}

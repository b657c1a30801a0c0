/**
 * Reading a page's `form` (its last action's result, success or `fail()`) without caring
 * which action produced it: actions return `{ message, issues, values }`.
 */
type Result = { issues?: { path: string; message: string }[]; values?: Record<string, unknown> };

/** The message for one field path, if the last action failed on it. */
export function issueAt(form: unknown, path: string): string | undefined {
	const issues = (form as Result | null)?.issues ?? [];
	const messages = issues.filter((issue) => issue.path === path).map((issue) => issue.message);
	return messages.length ? messages.join('; ') : undefined;
}

/** What the person typed into a field before a failed action, to show it again. */
export function valueAt(form: unknown, key: string): string {
	const value = (form as Result | null)?.values?.[key];
	return value === undefined || value === null ? '' : String(value);
}

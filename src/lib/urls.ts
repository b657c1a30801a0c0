/**
 * The `action` of a form that posts to the current page without losing its query (filters,
 * cursor): SvelteKit takes the action name from the search parameter that starts with `/`.
 */
export function actionUrl(url: URL, name: string): string {
	const params = withoutActions(url);
	params.delete('confirm');
	const rest = params.toString();
	return `?${rest ? `${rest}&` : ''}/${name}`;
}

/** The current URL with some query parameters set (null or '' removes one). */
export function withQuery(
	url: URL,
	changes: Record<string, string | number | null | undefined>
): string {
	const params = withoutActions(url);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === undefined || value === '') params.delete(key);
		else params.set(key, String(value));
	}
	const rest = params.toString();
	return `${url.pathname}${rest ? `?${rest}` : ''}`;
}

function withoutActions(url: URL): URLSearchParams {
	const params = new URLSearchParams(url.search);
	for (const key of [...params.keys()]) if (key.startsWith('/')) params.delete(key);
	return params;
}

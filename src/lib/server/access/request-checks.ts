/** Request methods that may change state; everything else must not. */
export const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A path whose segments are plain names: no `.`/`..`, no empty segment (`//evil.example`,
 * `/\evil` which URL parsing turns into `//evil`), no encoded `/` or `\` (`..%2F`), nothing
 * that does not decode. Anything else is an attempt to reach beyond a route's own ids.
 */
export function isPlainPath(pathname: string): boolean {
	const segments = pathname.split('/').slice(1);
	// A trailing slash is the router's to normalise.
	if (segments.at(-1) === '') segments.pop();
	return segments.every((segment) => {
		let name: string;
		try {
			name = decodeURIComponent(segment);
		} catch {
			return false;
		}
		return name !== '' && name !== '.' && name !== '..' && !/[/\\]/.test(name);
	});
}

/** The form action a URL names (`/stopAgent` for `?/stopAgent`), which only POST may run. */
export function formActionOf(url: URL): string | undefined {
	return [...url.searchParams.keys()].find((key) => key.startsWith('/'));
}

/** Form fields that say what an action acts on; never anything else (a form may hold secrets). */
const TARGET_FIELDS = ['id', 'source_id', 'item_id', 'scope_identifier', 'package', 'up_to_id'];

/** What a mutating request acts on, from its route parameters and its form's id fields. */
export async function targetOf(request: Request, params: Record<string, string>): Promise<string> {
	const parts = Object.entries(params).map(([name, value]) => `${name}=${value}`);
	const type = request.headers.get('content-type') ?? '';
	if (/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) {
		const form = await request
			.clone()
			.formData()
			.catch(() => null);
		for (const name of TARGET_FIELDS) {
			const value = form?.get(name);
			if (typeof value === 'string' && value) parts.push(`${name}=${value.slice(0, 200)}`);
		}
	}
	return parts.join(' ') || '-';
}

/**
 * How a mutating request ended, from SvelteKit's answer (plain, or JSON for `use:enhance`): an
 * action's redirect is how a create, delete or sign-in succeeds.
 */
export async function outcomeOf(request: Request, response: Response): Promise<string> {
	const status = response.status;
	if (
		request.headers.get('x-sveltekit-action') === 'true' &&
		response.headers.get('content-type')?.startsWith('application/json')
	) {
		const body = await response
			.clone()
			.json()
			.catch(() => null);
		if (body?.type === 'success' || body?.type === 'redirect') return 'success';
		if (body?.type === 'failure') return `failure ${body.status}`;
	}
	if (status < 400) return 'success';
	return status < 500 ? `failure ${status}` : `error ${status}`;
}

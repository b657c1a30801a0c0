/** Reads the list filters every error page shares from its URL. */
export function errorListQuery(url: URL) {
	const viewed = url.searchParams.get('viewed');
	return {
		viewed: viewed === 'true' ? true : viewed === 'false' ? false : undefined,
		cursor: url.searchParams.get('cursor') || undefined
	};
}

/** A `next=` target that stays on this dashboard: a path, never `//host` or `/\host`. */
export function localPath(next: string | null): string {
	return next && /^\/(?![/\\])/.test(next) ? next : '/';
}

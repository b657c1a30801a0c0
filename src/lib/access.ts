import { page } from '$app/state';

/**
 * Whether the person may act, from the root layout's data. This only hides controls a viewer
 * could not use: the server refuses every viewer's action whatever the page shows.
 */
export function canAct(): boolean {
	return page.data.access?.role === 'operator';
}

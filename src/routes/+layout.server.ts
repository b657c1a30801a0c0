import { settings } from '$lib/server/settings';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = () => ({ syncApiUrl: settings.syncApiUrl });

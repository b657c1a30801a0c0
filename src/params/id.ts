import type { ParamMatcher } from '@sveltejs/kit';

/** A database id in a path: `/sources/abc` names nothing, so it is a 404 before any load. */
export const match: ParamMatcher = (param) => /^[1-9]\d{0,14}$/.test(param);

/**
 * A lab's dashboard shows several sync agents; each agent's pages live under its name:
 * `/agents/fridge-1/sources/3` is `/sources/3` on fridge-1. A dashboard of one agent keeps the
 * short addresses. Pure functions: the router (hooks.ts), the server and the browser share them.
 */

/** An agent's name: a URL-safe slug, as in `DASHBOARD_AGENTS="fridge-1=http://…"`. */
export const AGENT_NAME = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

const PREFIX = /^\/agents\/([^/]+)(\/.*)?$/;

/** `/agents/fridge-1/sources/3` → fridge-1 and `/sources/3`; undefined for any other path. */
export function splitAgentPath(pathname: string): { agent: string; rest: string } | undefined {
	const match = PREFIX.exec(pathname);
	return match ? { agent: match[1]!, rest: match[2] ?? '/' } : undefined;
}

/** Where an agent's pages start: `/agents/fridge-1`, or '' for the pages of a one-agent dashboard. */
export const agentBase = (name: string | undefined): string =>
	name === undefined ? '' : `/agents/${name}`;

/** The base of the agent whose page `pathname` is: '' for short addresses. */
export const baseOf = (pathname: string): string => agentBase(splitAgentPath(pathname)?.agent);

/** The page `path` (`/sources/3?x=1`, `/`) under an agent's `base`. */
export function underBase(base: string, path: string): string {
	if (!base) return path;
	// The agent's overview is `/agents/fridge-1`, not `/agents/fridge-1/` (trailing slashes redirect).
	return path === '/' || path.startsWith('/?') || path.startsWith('/#')
		? base + path.slice(1)
		: base + path;
}

/** The page `path` on the agent whose page `pathname` is. */
export const onSameAgent = (pathname: string, path: string): string =>
	underBase(baseOf(pathname), path);

/** A page's path without its agent's base: what the page is, whichever agent it is on. */
export const pageOf = (pathname: string): string => splitAgentPath(pathname)?.rest ?? pathname;

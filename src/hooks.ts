import type { Reroute } from '@sveltejs/kit';
import { splitAgentPath } from '$lib/agent-path';

/** `/agents/<name>/…` is the page `…` of that agent (hooks.server.ts picks the agent). */
export const reroute: Reroute = ({ url }) => splitAgentPath(url.pathname)?.rest;

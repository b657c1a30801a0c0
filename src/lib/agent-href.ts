import { page } from '$app/state';
import { onSameAgent } from '$lib/agent-path';

/** The page `path` on the agent the current page is on: `/sources` → `/agents/fridge-1/sources`. */
export const agentHref = (path: string): string => onSameAgent(page.url.pathname, path);

import { error } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import { agentBase, splitAgentPath, underBase } from '$lib/agent-path';
import { settings } from '$lib/server/settings';
import { createSyncApiClient, type SyncApiClient } from './client';

/** A sync agent the dashboard shows, and how it reaches it. */
export interface Agent {
	/** Its name in a lab's list; '' for the one agent of a dashboard without a list. */
	name: string;
	/** Where its pages start: `/agents/<name>`, or '' (see $lib/agent-path). */
	base: string;
	url: string;
	client: SyncApiClient;
	/**
	 * The same without retries, for the lab overview: an agent that refuses is shown unreachable
	 * at once, not after the retries' back-off.
	 */
	glance: SyncApiClient;
	/** Whether the token is set: shown as a fact, never the token itself. */
	usesToken: boolean;
}

/** Every agent configured, in the order given. */
export const agents: Agent[] = settings.agents.map((agent) => {
	const reach = { baseUrl: agent.url, timeoutMs: agent.timeoutMs, token: agent.token };
	return {
		name: agent.name,
		base: agent.name ? agentBase(agent.name) : '',
		url: agent.url,
		usesToken: agent.token !== undefined,
		client: createSyncApiClient(reach),
		glance: createSyncApiClient({ ...reach, retries: 0 })
	};
});

/** Whether this dashboard shows a lab's list of agents (`/` is then the lab overview). */
export const isLab = settings.lab;

/**
 * The agent an address is for: the one its `/agents/<name>` prefix names, or the only one of a
 * dashboard without a list; undefined for a lab-wide address; null for a name nobody gave.
 */
export function agentAt(pathname: string): Agent | undefined | null {
	const named = splitAgentPath(pathname)?.agent;
	if (named === undefined) return isLab ? undefined : agents[0];
	return agents.find((agent) => agent.base && agent.name === named) ?? null;
}

/**
 * The agent a request is for, as its address says. A load passes its own `url`: reading it is
 * what makes SvelteKit load the page again when a client-side navigation (a link, the back
 * button) changes agent but not route, as from `/agents/a/sources` to `/agents/b/sources`.
 */
export function agentFor(url: URL): Agent | undefined {
	void url.pathname;
	return getRequestEvent().locals.agent;
}

/** The agent a request is for (see `agentFor`); a lab-wide address of an agent's page is a 404. */
export function currentAgent(url: URL): Agent {
	const agent = agentFor(url);
	if (agent) return agent;
	const where = agents.map((one) => `${one.base}${url.pathname}`).join(', ');
	error(404, `This dashboard shows several sync agents: open this page on one of them (${where}).`);
}

/** The client of the sync API of the agent a request is for (see `agentFor`). */
export const syncApi = (url: URL): SyncApiClient => currentAgent(url).client;

/** The page `path` of the agent a request is for (where an action redirects to). */
export const agentPage = (url: URL, path: string): string =>
	underBase(currentAgent(url).base, path);

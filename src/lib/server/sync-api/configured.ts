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

/** The agent the current request is for; a lab-wide address of an agent's page is a 404. */
export function currentAgent(): Agent {
	const agent = getRequestEvent().locals.agent;
	if (agent) return agent;
	const where = agents.map((one) => `${one.base}${getRequestEvent().url.pathname}`).join(', ');
	error(404, `This dashboard shows several sync agents: open this page on one of them (${where}).`);
}

/** The client of the sync API of the agent the current request is for. */
export const syncApi = (): SyncApiClient => currentAgent().client;

/** The page `path` of the agent the current request is for (where an action redirects to). */
export const agentPage = (path: string): string => underBase(currentAgent().base, path);

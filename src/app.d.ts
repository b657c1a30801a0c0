import type { Access } from '$lib/server/access/policy';
import type { Agent } from '$lib/server/sync-api/configured';
import type { SyncApiFailure } from '$lib/server/sync-api/sync-api-error';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** The sync API's error code, when it answered with one. */
			code?: string;
			/** Why a call to the sync API failed, when that is what ended here. */
			failure?: SyncApiFailure;
		}
		interface Locals {
			/** Who is asking: operator or viewer, and how the dashboard decides (hooks.server.ts). */
			access: Access;
			/** The agent this request is for (its address's `/agents/<name>`, or the only one); none on a lab-wide page. */
			agent: Agent | undefined;
		}
		interface PageData {
			/** The agent whose page this is (its sync API's address, shown on error pages); null on a lab-wide page. */
			thisAgent: { name: string; base: string; url: string } | null;
			/** A lab's agents, for switching between them; empty on a dashboard of one agent. */
			labAgents: { name: string; base: string }[];
			/** The agent's cycle, for marking stale updates. */
			cycleSeconds: number;
			/** What the last action before a redirect did, shown once. */
			flash: string | null;
			/** Whether this person may act, and how operators sign in. */
			access: { role: 'operator' | 'viewer'; mode: 'local' | 'password' | 'read-only' };
		}
	}
}

export {};

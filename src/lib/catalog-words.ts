import type { Backend, ScopeRule } from '$lib/contract';

/** What a source of a backend needs for scopes, in words. */
export const scopeRuleWords: Record<ScopeRule, string> = {
	required: 'needs a default scope',
	optional: 'default scope or scope mappings'
};

/** Whether sources of a backend upload with their owner's credentials, in words. */
export function ownerWords(backend: Pick<Backend, 'has_owner'>): string {
	return backend.has_owner
		? "has an owner: uploads with the owner's credentials"
		: 'no owner concept';
}

/** `StatusBadge` status for a package's installed state. */
export function installedStatus(installed: boolean): string {
	return installed ? 'installed' : 'not_installed';
}

/** The Python sync agent's own package: a backend listed under it is built into that agent. */
export const AGENT_PACKAGE = 'etiket-sync-agent';

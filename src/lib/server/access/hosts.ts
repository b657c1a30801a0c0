import { isIP } from 'node:net';

/** Names a browser on this computer uses for it. */
const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback']);

export function isLoopback(hostname: string): boolean {
	if (LOOPBACK_NAMES.has(hostname) || hostname.endsWith('.localhost')) return true;
	if (isIP(hostname) === 4) return hostname.startsWith('127.');
	return hostname === '::1';
}

/** `example.org:3000` or `[::1]:3000` → the host name alone, lower case. */
export function hostnameOf(host: string): string {
	const trimmed = host.trim().toLowerCase();
	if (trimmed.startsWith('[')) return trimmed.slice(1, trimmed.indexOf(']'));
	return trimmed.replace(/:\d+$/, '');
}

/** Where the dashboard is bound (`HOST`) and the address people use for it (`ORIGIN`). */
interface Exposure {
	bind: string;
	origin?: string;
}

function originHostname(origin: string): string {
	return new URL(origin).hostname.replace(/^\[|\]$/g, '').toLowerCase();
}

/**
 * Whether people reach the dashboard from other computers: it is bound beyond loopback, or
 * `ORIGIN` names another host (a reverse proxy in front of a loopback bind).
 */
export function isShared({ bind, origin }: Exposure): boolean {
	return !isLoopback(bind) || (origin !== undefined && !isLoopback(originHostname(origin)));
}

/**
 * Which `Host` headers the dashboard answers: loopback always; when shared also the host of
 * ORIGIN and DASHBOARD_ALLOWED_HOSTS. Anything else is DNS rebinding or a misdirected request.
 */
export function hostAllowList(options: Exposure & { allowed?: string }) {
	const extra = new Set<string>();
	if (isShared(options)) {
		if (options.origin) extra.add(originHostname(options.origin));
		for (const host of (options.allowed ?? '').split(','))
			if (host.trim()) extra.add(hostnameOf(host));
	}
	return (host: string | null): boolean => {
		if (!host) return false;
		const name = hostnameOf(host);
		return isLoopback(name) || extra.has(name);
	};
}

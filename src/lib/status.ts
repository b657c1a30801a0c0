/** The five tones of the status palette (tailwind.config.ts `colors.status`). */
export type Tone = 'ok' | 'active' | 'idle' | 'warn' | 'error';

const tones: Record<string, Tone> = {
	running: 'ok',
	syncing: 'active',
	scanning: 'active',
	stopped: 'idle',
	no_connection: 'warn',
	unavailable: 'error',
	error: 'error',
	// items
	synced: 'ok',
	live: 'active',
	pending: 'idle',
	failed: 'error',
	missing: 'warn',
	// packages
	installed: 'ok',
	not_installed: 'idle'
};

export function toneOf(status: string): Tone {
	return tones[status] ?? 'idle';
}

/** `no_connection` → `no connection`: the SDK's values, readable. */
export function statusLabel(status: string): string {
	return status.replaceAll('_', ' ');
}

/**
 * Attempts per key (a client address) in a sliding window, counted when they begin: an attempt
 * still being checked holds its place, so attempts made in parallel cannot exceed `limit`.
 * Past `limit` attempts the key must wait until the oldest leaves the window; a successful one
 * clears the key. Bounded: at most `maxKeys` keys.
 */
export function attemptLimiter(options: { limit: number; windowMs: number; maxKeys?: number }) {
	const attempts = new Map<string, number[]>();
	const maxKeys = options.maxKeys ?? 10_000;

	function recent(key: string, now: number): number[] {
		const times = (attempts.get(key) ?? []).filter((time) => now - time < options.windowMs);
		if (times.length) attempts.set(key, times);
		else attempts.delete(key);
		return times;
	}

	return {
		/**
		 * Takes an attempt for `key` when one is allowed now and answers 0; the attempt counts
		 * until it leaves the window or `succeeded` clears the key. Otherwise takes nothing and
		 * answers the seconds to wait.
		 */
		take(key: string, now = Date.now()): number {
			const times = recent(key, now);
			const oldest = times[0];
			if (times.length >= options.limit && oldest !== undefined) {
				return Math.ceil((oldest + options.windowMs - now) / 1000);
			}
			if (!attempts.has(key) && attempts.size >= maxKeys) {
				const first = attempts.keys().next().value;
				if (first !== undefined) attempts.delete(first);
			}
			attempts.set(key, [...times, now]);
			return 0;
		},
		/** The attempt was right: the key's attempts no longer count. */
		succeeded(key: string) {
			attempts.delete(key);
		}
	};
}

/**
 * Failed attempts per key (a client address) in a sliding window: past `limit` failures the
 * key must wait until the oldest one leaves the window. Bounded: at most `maxKeys` keys.
 */
export function failureLimiter(options: { limit: number; windowMs: number; maxKeys?: number }) {
	const failures = new Map<string, number[]>();
	const maxKeys = options.maxKeys ?? 10_000;

	function recent(key: string, now: number): number[] {
		const times = (failures.get(key) ?? []).filter((time) => now - time < options.windowMs);
		if (times.length) failures.set(key, times);
		else failures.delete(key);
		return times;
	}

	return {
		/** Seconds to wait before the next attempt, or 0 when one is allowed now. */
		retryAfter(key: string, now = Date.now()): number {
			const times = recent(key, now);
			const oldest = times[0];
			if (times.length < options.limit || oldest === undefined) return 0;
			return Math.ceil((oldest + options.windowMs - now) / 1000);
		},
		fail(key: string, now = Date.now()) {
			const times = recent(key, now);
			if (!failures.has(key) && failures.size >= maxKeys) {
				const oldest = failures.keys().next().value;
				if (oldest !== undefined) failures.delete(oldest);
			}
			failures.set(key, [...times, now]);
		},
		reset(key: string) {
			failures.delete(key);
		}
	};
}

/**
 * Whether a last update is stale: older than three agent cycles. Only meaningful for
 * something that should be updating (a running agent, a running source).
 */
export function isStale(
	lastUpdate: string | null,
	cycleSeconds: number,
	now = Date.now()
): boolean {
	if (!lastUpdate) return false;
	return now - Date.parse(lastUpdate) > 3 * cycleSeconds * 1000;
}

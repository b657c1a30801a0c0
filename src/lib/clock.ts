import { createSubscriber } from 'svelte/reactivity';

const TICK_MS = 15_000;

/** One timer for the whole tab, running while anything on screen reads the time. */
const ticks = createSubscriber((tick) => {
	const timer = setInterval(tick, TICK_MS);
	return () => clearInterval(timer);
});

/**
 * The time, for relative times on screen: read in a component or `$derived`, the reading runs
 * again every 15 seconds.
 */
export function now(): number {
	ticks();
	return Date.now();
}

import { describe, expect, it } from 'vitest';
import { formatRelative } from '$lib/time';

const clock = Date.parse('2026-01-01T10:00:00.000Z');
const at = (seconds: number) => new Date(clock + seconds * 1000).toISOString();

describe('relative times', () => {
	it('reads a pushed update newer than the clock as now, never as the future', () => {
		// The overview's case: a live last update 12 s after the component last read the clock.
		expect(formatRelative(at(12), clock)).toBe('now');
		expect(formatRelative(at(3600), clock)).toBe('now');
		expect(formatRelative(at(12), clock)).not.toMatch(/^in /);
	});

	it('reads times in the past as ago', () => {
		expect(formatRelative(at(-3), clock)).toBe('now');
		expect(formatRelative(at(-40), clock)).toBe('40 seconds ago');
		expect(formatRelative(at(-180), clock)).toBe('3 minutes ago');
		expect(formatRelative(at(-2 * 86_400), clock)).toBe('2 days ago');
	});

	it('reads a time that may lie ahead (a next attempt) as the future', () => {
		expect(formatRelative(at(120), clock, true)).toBe('in 2 minutes');
		expect(formatRelative(at(-120), clock, true)).toBe('2 minutes ago');
	});
});

/** What every benchmark script shares: percentiles, timing, the machine it ran on. */
import fs from 'node:fs';
import os from 'node:os';
import { pathToFileURL } from 'node:url';

export interface Latency {
	p50: number;
	p95: number;
	/** How many samples the percentiles are of. */
	n: number;
}

export function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function latency(samples: number[]): Latency {
	return { p50: percentile(samples, 50), p95: percentile(samples, 95), n: samples.length };
}

/** Milliseconds, rounded for a table. */
export const ms = (value: number) => Math.round(value * 10) / 10;

export const sleep = (milliseconds: number) =>
	new Promise((resolve) => setTimeout(resolve, milliseconds));

export function machine() {
	return {
		cpu: os.cpus()[0]?.model ?? 'unknown',
		cpus: os.cpus().length,
		ram_gib: Math.round(os.totalmem() / 2 ** 30),
		os: `${os.type()} ${os.release()} (${os.arch()})`,
		node: process.version
	};
}

export function describeMachine(): string {
	const m = machine();
	return `${m.cpus} × ${m.cpu}, ${m.ram_gib} GiB, ${m.os}, Node ${m.node}`;
}

/** True when the module is the script node was started with (run standalone, not imported). */
export function isMain(moduleUrl: string): boolean {
	return process.argv[1] !== undefined && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/** CPU seconds (user and system) a process has used so far, from /proc (Linux; 100 ticks a second). */
export function cpuSecondsOf(pid: number): number {
	const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
	return (Number(fields[11]) + Number(fields[12])) / 100;
}

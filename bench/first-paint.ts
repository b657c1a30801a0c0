/**
 * First paint of the status, side by side with Syncthing's GUI (Debian's `syncthing`), in one
 * run: Chromium, a fresh context each load (nothing cached), opens the dashboard's `/` on a
 * fresh stack, and Syncthing's GUI with one folder added through its REST API; from the
 * navigation's start to the first frame that shows the status (ours: the agent status;
 * Syncthing's: its folder's state).
 * Six loads each, alternating, the median kept; also the requests and bytes each load made.
 * Prints the figures; not a test.   npm run bench:first-paint
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { buildIfNeeded } from '../scripts/build-if-needed.js';
import { freePort, stopProcess } from '../tests/helpers';
import { chromiumLaunchOptions } from '../tests/chromium';
import { startStack } from '../tests/e2e/stack';
import { describeMachine, isMain, percentile, sleep } from './stats';

export interface FirstPaintFigures {
	loads: number;
	ours: LoadFigures;
	syncthing: LoadFigures & { version: string };
	/** Ours over Syncthing's time (target ≤ 0.1). */
	ratio: number;
	/**
	 * The browser's own floor: a page of one status element served from memory, no CSS, no
	 * script, timed the same way in the same run; no page can show its status sooner.
	 */
	emptyPageMs: number;
}

interface LoadFigures {
	/** Navigation → status shown, median. */
	ms: number;
	requests: number;
	kilobytes: number;
}

const LOADS = 6;

/** Debian's syncthing, installed as the test script installs Chromium when it is missing. */
function ensureSyncthing(): void {
	if (spawnSync('syncthing', ['--version']).status === 0) return;
	if (process.getuid?.() !== 0)
		throw new Error('The first-paint bench needs syncthing: apt-get install syncthing');
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'syncthing'], {
		stdio: 'inherit',
		env
	});
}

/** What shows the status: elements matching `selector` whose text matches `text`, rendered. */
interface Shown {
	selector: string;
	text: string;
}

/**
 * Loads `url` in a fresh context; the time from the navigation's start to the first frame
 * that shows the status, as the page itself sees it (its clock, checked at every animation
 * frame, so no test tool's polling adds to it), and what the load fetched.
 */
async function load(browser: Browser, url: string, shown: Shown) {
	const context = await browser.newContext();
	const page = await context.newPage();
	let requests = 0;
	let bytes = 0;
	page.on('requestfinished', async (request) => {
		requests += 1;
		bytes += (await request.sizes().catch(() => ({ responseBodySize: 0 }))).responseBodySize;
	});
	// As text: a function would be serialized with what tsx adds to it, undefined in the page.
	await page.addInitScript(`(() => {
		const pattern = new RegExp(${JSON.stringify(shown.text)}, 'i');
		const check = () => {
			const found = [...document.querySelectorAll(${JSON.stringify(shown.selector)})].some(
				(element) => pattern.test(element.textContent ?? '') && element.getClientRects().length > 0
			);
			if (found) window.shownAt = performance.now();
			else requestAnimationFrame(check);
		};
		requestAnimationFrame(check);
	})();`);
	await page.goto(url, { waitUntil: 'commit' });
	const ms = (await (
		await page.waitForFunction(() => (window as unknown as { shownAt?: number }).shownAt, null, {
			polling: 50
		})
	).jsonValue()) as number;
	// Both keep a live connection open (never network-idle): what the load fetched is what came
	// by its load event and half a second after.
	await page.waitForLoadState('load');
	await sleep(500);
	await context.close();
	return { ms, requests, bytes };
}

function figuresOf(samples: { ms: number; requests: number; bytes: number }[]): LoadFigures {
	return {
		ms: percentile(
			samples.map((s) => s.ms),
			50
		),
		requests: Math.max(...samples.map((s) => s.requests)),
		kilobytes: Math.max(...samples.map((s) => s.bytes)) / 1024
	};
}

/** Syncthing on a fresh home with one folder (a few files), its GUI on a free port. */
async function startSyncthing() {
	const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-bench-syncthing-'));
	const folder = path.join(home, 'data');
	fs.mkdirSync(folder);
	for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(folder, `run_${i}.txt`), String(i));
	const port = await freePort();
	const key = 'qh-bench-key';
	const child = spawn(
		'syncthing',
		[
			'serve',
			`--home=${home}`,
			'--no-browser',
			'--no-restart',
			'--no-default-folder',
			`--gui-address=http://127.0.0.1:${port}`,
			`--gui-apikey=${key}`
		],
		{ stdio: 'ignore', env: { ...process.env, STNODEFAULTFOLDER: '1' } }
	);
	const url = `http://127.0.0.1:${port}`;
	const rest = (method: string, route: string, body?: unknown) =>
		fetch(`${url}${route}`, {
			method,
			headers: { 'X-API-Key': key, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body)
		});
	for (let tries = 0; !(await rest('GET', '/rest/system/ping').catch(() => null))?.ok; tries++) {
		if (tries > 100) throw new Error('Syncthing did not start');
		await sleep(100);
	}
	// No usage-reporting question over the page: a user who answered it once.
	await rest('PATCH', '/rest/config/options', { urAccepted: -1 });
	await rest('POST', '/rest/config/folders', { id: 'lab-data', label: 'Lab data', path: folder });
	const version = (
		(await (await rest('GET', '/rest/system/version')).json()) as { version: string }
	).version;
	return {
		url,
		version,
		async close() {
			await stopProcess(child);
			fs.rmSync(home, { recursive: true, force: true });
		}
	};
}

/** A server answering every request with one status element, from memory. */
async function startEmptyPage() {
	const html = '<!doctype html><title>Status</title><dl><dd id="status">running</dd></dl>';
	const server = http.createServer((_request, response) => {
		response.writeHead(200, { 'content-type': 'text/html' }).end(html);
	});
	await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
	const { port } = server.address() as { port: number };
	return {
		url: `http://127.0.0.1:${port}/`,
		close: () => new Promise<void>((closed) => server.close(() => closed()))
	};
}

export async function measureFirstPaint(): Promise<FirstPaintFigures> {
	ensureSyncthing();
	const stack = await startStack({ QH_CYCLE_SECONDS: '3600' });
	const syncthing = await startSyncthing();
	const empty = await startEmptyPage();
	const browser = await chromium.launch(chromiumLaunchOptions);
	try {
		const ours = { selector: 'dd[aria-labelledby="agent-status"]', text: 'running|stopped' };
		// A folder shared with no device shows "Unshared" once scanned; else "Up to Date".
		const theirs = { selector: 'span', text: '^(Up to Date|Unshared)$' };
		const floor = { selector: '#status', text: 'running' };
		// One of each first, not counted: the servers' own first answers.
		await load(browser, stack.dashboardUrl, ours);
		await load(browser, syncthing.url, theirs);
		type Sample = Awaited<ReturnType<typeof load>>;
		const samples: Record<'ours' | 'syncthing' | 'empty', Sample[]> = {
			ours: [],
			syncthing: [],
			empty: []
		};
		for (let i = 0; i < LOADS; i++) {
			samples.ours.push(await load(browser, stack.dashboardUrl, ours));
			samples.syncthing.push(await load(browser, syncthing.url, theirs));
			samples.empty.push(await load(browser, empty.url, floor));
		}
		const figures = { ours: figuresOf(samples.ours), syncthing: figuresOf(samples.syncthing) };
		return {
			loads: LOADS,
			ours: figures.ours,
			syncthing: { ...figures.syncthing, version: syncthing.version },
			ratio: figures.ours.ms / figures.syncthing.ms,
			emptyPageMs: figuresOf(samples.empty).ms
		};
	} finally {
		await browser.close();
		await syncthing.close();
		await empty.close();
		await stack.close();
	}
}

if (isMain(import.meta.url)) {
	buildIfNeeded();
	const { ours, syncthing, ratio, loads, emptyPageMs } = await measureFirstPaint();
	const line = (name: string, f: LoadFigures) =>
		`${name}: ${f.ms.toFixed(0)} ms (${f.requests} requests, ${f.kilobytes.toFixed(0)} KB)`;
	console.log(`Status shown after a load, median of ${loads}:`);
	console.log(`  ${line('dashboard /', ours)}`);
	console.log(`  ${line(`Syncthing ${syncthing.version} GUI`, syncthing)}`);
	console.log(`  ratio ${ratio.toFixed(2)} (target ≤ 0.1)`);
	console.log(
		`  an empty page: ${emptyPageMs.toFixed(0)} ms (${(emptyPageMs / syncthing.ms).toFixed(2)}× Syncthing's), this browser's floor`
	);
	console.log(`Machine: ${describeMachine()}`);
}

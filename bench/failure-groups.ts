/**
 * The failure groups' query at scale: 50,000 failed items in 1,000 groups over 10 sources,
 * written the way the agent writes them (each item's group set with its error; the counts kept
 * by the triggers), then `listFailureGroups` timed in process and over the sync API.
 * Prints the figures; not a test.   npm run bench:groups
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { now } from '../src/agent/db/database';
import { openRuntime } from '../src/agent/runtime';
import { failureGroupOf, listFailureGroups } from '../src/agent/services/failure-groups';
import { searchKey } from '../src/agent/services/items';
import { createSource } from '../src/agent/services/sources';
import { listScopes } from '../src/agent/services/scopes';
import { readAgentSettings } from '../src/agent/settings';
import { serveOnLoopback } from '../tests/helpers';
import { inWorkFolder } from './scan-source';
import { describeMachine, isMain, latency, ms, type Latency } from './stats';

export interface FailureGroupFigures {
	failed_items: number;
	groups: number;
	/** `listFailureGroups` in the sync API process (target p95 < 10 ms). */
	query: Latency;
	/** The same over HTTP, the JSON of every group included. */
	http: Latency;
}

/** A cause's name without digits (which a title makes `<n>`): aaa, aab, … */
const letters = (i: number) =>
	[676, 26, 1].map((unit) => String.fromCharCode(97 + (Math.floor(i / unit) % 26))).join('');

export async function measureFailureGroups(
	items = 50_000,
	groups = 1_000,
	sources = 10
): Promise<FailureGroupFigures> {
	return inWorkFolder('qh-bench-groups-', async (work) => {
		const settings = readAgentSettings({ ...process.env, QH_DATA_DIR: path.join(work, 'agent') });
		const runtime = openRuntime(settings, process.env);
		const { db } = runtime;
		try {
			const scope = listScopes(db)[0]!.uuid;
			const ids = Array.from({ length: sources }, (_, i) => {
				const folder = path.join(work, `data-${i}`);
				fs.mkdirSync(folder);
				return createSource(db, {
					name: `setup ${i}`,
					backend_identifier: 'etiket_sync_agent_folderbase',
					config_data: { root_directory: folder },
					default_scope: scope,
					autoassign_scope_mapping: false
				}).id;
			});
			const insert = db.prepare(
				`INSERT INTO items (source_id, root, data_identifier, search_key, dataset_uuid, synchronized,
					attempts, error, failure_group, last_update)
				VALUES (?, '', ?, ?, ?, 0, 1, ?, ?, ?)`
			);
			db.transaction(() => {
				for (let n = 0; n < items; n++) {
					const cause = n % groups;
					const identifier = `run_${n}/data`;
					// Messages of one cause differ in their paths and numbers only.
					const message = `Cause ${letters(cause)}: ${identifier}/file_${n}.h5 failed after ${n % 7} tries`;
					const group = failureGroupOf(db, {
						backend: 'etiket_sync_agent_folderbase',
						exception: 'ValueError',
						message
					});
					insert.run(
						ids[n % sources]!,
						identifier,
						searchKey(identifier),
						randomUUID(),
						message,
						group,
						now()
					);
				}
			})();
			const found = listFailureGroups(db);
			if (found.length !== groups) throw new Error(`${found.length} groups, not ${groups}`);

			const timed = async (run: () => unknown | Promise<unknown>) => {
				for (let i = 0; i < 10; i++) await run();
				const samples: number[] = [];
				for (let i = 0; i < 200; i++) {
					const started = performance.now();
					await run();
					samples.push(performance.now() - started);
				}
				return latency(samples);
			};
			const query = await timed(() => listFailureGroups(db));
			const server = await serveOnLoopback(runtime.app.fetch);
			const url = `${server.baseUrl}/api/v1/failure-groups`;
			try {
				const overHttp = await timed(async () => (await fetch(url)).json());
				return { failed_items: items, groups, query, http: overHttp };
			} finally {
				server.close();
			}
		} finally {
			await runtime.close();
		}
	});
}

if (isMain(import.meta.url)) {
	const figures = await measureFailureGroups();
	console.log(`Failure groups, ${figures.failed_items} failed items in ${figures.groups} groups:`);
	console.log(
		`  listFailureGroups: p50 ${ms(figures.query.p50)} ms, p95 ${ms(figures.query.p95)} ms (target p95 < 10 ms)`
	);
	console.log(`  over HTTP: p50 ${ms(figures.http.p50)} ms, p95 ${ms(figures.http.p95)} ms`);
	console.log(`Machine: ${describeMachine()}`);
}

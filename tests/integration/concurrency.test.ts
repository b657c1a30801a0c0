/**
 * The agent process and the sync API process write the same database. Whatever one decides
 * from what it read must still hold when it writes, whatever the other committed meanwhile.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { startAgent } from './harness';
import { partialCopies, tempDir, writeDataset } from './datasets';

const root = path.resolve(import.meta.dirname, '../..');
const IDENTIFIERS = ['alpha', 'beta', 'gamma', 'delta'];
/** Each round maps, unmaps, auto-assigns and unmaps everything: four changes, each raced. */
const ROUNDS = 150;

/** Items whose `unmapped` flag disagrees with the source's mappings, in one consistent read. */
function wrongFlags(db: import('better-sqlite3').Database, sourceId: number) {
	return db
		.prepare(
			`SELECT data_identifier, unmapped FROM items WHERE source_id = ? AND unmapped != NOT EXISTS (
				SELECT 1 FROM scope_mappings m WHERE m.source_id = items.source_id
					AND m.scope_identifier = items.scope_identifier)`
		)
		.all(sourceId);
}

/** Scans the source in another process until `stop()`; `nextScan()` waits for a scan to commit. */
function startScanner(dataDir: string, sourceId: number) {
	const args = ['--import', 'tsx', 'tests/integration/scan-loop.ts', dataDir, String(sourceId)];
	const scanner = spawn(process.execPath, args, {
		cwd: root,
		stdio: ['pipe', 'pipe', 'inherit']
	});
	onTestFinished(() => void scanner.kill());
	const exited = once(scanner, 'exit');
	let scans = 0;
	let waiting: (() => void)[] = [];
	scanner.stdout.on('data', (chunk: Buffer) => {
		scans += chunk.toString().split('\n').length - 1;
		waiting.forEach((resolve) => resolve());
		waiting = [];
	});
	void exited.then(() => waiting.forEach((resolve) => resolve()));
	return {
		get scans() {
			return scans;
		},
		/** Resolves once the scan in flight has committed (at once if the scanner died). */
		nextScan: () =>
			new Promise<void>((resolve) =>
				scanner.exitCode === null ? waiting.push(resolve) : resolve()
			),
		/** Ends the scanner after its current scan; its exit code. */
		async stop() {
			scanner.stdin.end();
			const [code] = await exited;
			return code;
		}
	};
}

describe('scans against mapping changes from the other process', () => {
	it(
		'never leave a mapped item flagged unmapped, nor the reverse',
		{ timeout: 180_000 },
		async () => {
			const scopes = IDENTIFIERS.map((name, i) => ({
				uuid: `00000000-0000-4000-8000-00000000000${i}`,
				name
			}));
			const { client, db, dataDir } = await startAgent({ QH_SCOPES: JSON.stringify(scopes) });
			const folder = tempDir();
			for (const identifier of IDENTIFIERS)
				for (let run = 0; run < 25; run++) writeDataset(folder, `${identifier}/run${run}`, {});
			const { id } = await client.createSource({
				name: 'shared',
				backend_identifier: 'etiket_sync_agent_folderbase',
				config_data: { root_directory: folder },
				autoassign_scope_mapping: false
			});

			const scanner = startScanner(dataDir, id);
			await scanner.nextScan();
			// The first few wrong states seen, with the change that preceded them. A scan that read
			// the mappings before a change may write after it, so each check waits for the scan in
			// flight to commit.
			const wrong: { after: string; items: unknown[] }[] = [];
			const change = async (after: string, act: () => Promise<unknown>) => {
				await act();
				await scanner.nextScan();
				const items = wrongFlags(db, id);
				if (items.length && wrong.length < 5) wrong.push({ after, items: items.slice(0, 3) });
			};
			for (let round = 0; round < ROUNDS; round++) {
				const scope_identifier = IDENTIFIERS[round % IDENTIFIERS.length]!;
				const scope_uuid = scopes[round % scopes.length]!.uuid;
				await change(`mapping ${scope_identifier}`, () =>
					client.createScopeMapping({ id, scope_identifier, scope_uuid })
				);
				await change(`deleting the mapping of ${scope_identifier}`, () =>
					client.deleteScopeMapping({ id, scope_identifier })
				);
				await change('auto-assign', () => client.autoassignScopeMappings({ id }));
				await change('deleting every mapping', async () => {
					for (const mapping of await client.listScopeMappings({ id }))
						await client.deleteScopeMapping({ id, scope_identifier: mapping.scope_identifier });
				});
			}
			expect(await scanner.stop()).toBe(0);
			// Every change waited for a scan that raced it.
			expect(scanner.scans).toBeGreaterThanOrEqual(4 * ROUNDS);
			expect(wrong).toEqual([]);
		}
	);
});

describe('a reset against the sync under way', () => {
	it(
		'leads to a new sync: the outcome of the one under way is not saved over it',
		{
			timeout: 90_000
		},
		async () => {
			const { client, settings } = await startAgent();
			const scope = (await client.listScopes())[0]!.uuid;
			const folder = tempDir();
			const dir = writeDataset(folder, 'P/big', {});
			fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(150 * 1024 * 1024, 1));
			const source = await client.createSource({
				name: 'fb',
				backend_identifier: 'etiket_sync_agent_folderbase',
				config_data: { root_directory: folder },
				default_scope: scope
			});
			await client.startAgent();
			await vi.waitFor(() => expect(partialCopies(settings.storeDir)).not.toEqual([]), {
				timeout: 20_000,
				interval: 10
			});
			const [item] = (await client.listSourceItems({ id: source.id })).items;
			const resetAt = new Date().toISOString();
			await client.resetItem({ id: source.id, item_id: item!.id });

			await vi.waitFor(
				async () => expect((await client.getSource({ id: source.id })).items_synced).toBe(1),
				{ timeout: 60_000, interval: 50 }
			);
			// The record saved is of a sync that began after the reset.
			const detail = await client.getItem({ id: source.id, item_id: item!.id });
			expect(detail.sync_record.logs[0]!.time > resetAt).toBe(true);
			const log = fs.readFileSync(settings.agentLogFile, 'utf8');
			expect(log).toContain(
				'"P/big" changed while it was synced, or its source was stopped: not saving this sync'
			);
		}
	);
});

/**
 * Every file the agent reads may be hostile. Each test puts hostile files into a real folder,
 * runs the real agent on it, and checks that they are refused or skipped, by name, while
 * everything else syncs and the agent keeps running.
 */
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { findBackend } from '../../src/agent/backends/catalog';
import { INFO_FILE } from '../../src/agent/backends/folderbase/dataset-info';
import { COPY_CONCURRENCY } from '../../src/agent/engine/upload';
import type { SyncFile } from '../../src/lib/contract';
import { tempDir as sharedTempDir } from '../helpers';
import { manifestOf, partialCopies, sparseFile, tempDir, writeDataset } from './datasets';
import { agentWithScope, startAgentProcess } from './harness';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const SLOW = { timeout: 15_000, interval: 100 };
const SECRET = 'the content of a file outside every source folder';
const MB = 1024 * 1024;

type Client = Awaited<ReturnType<typeof agentWithScope>>['client'];

function folderSource(client: Client, root: string, scope?: string, name = 'fb') {
	return client.createSource({
		name,
		backend_identifier: FOLDERBASE,
		config_data: { root_directory: root },
		...(scope && { default_scope: scope })
	});
}

async function waitForSource(
	client: Client,
	id: number,
	expected: Record<string, unknown>,
	timing = SLOW
) {
	await vi.waitFor(
		async () => expect(await client.getSource({ id })).toMatchObject(expected),
		timing
	);
}

/** An item of the source by its identifier, with every file of its sync record (all pages). */
async function itemOf(client: Client, id: number, dataIdentifier: string) {
	const { items } = await client.listSourceItems({ id });
	const item = items.find((candidate) => candidate.data_identifier === dataIdentifier)!;
	const files: SyncFile[] = [];
	let cursor: string | undefined;
	do {
		const page = await client.listItemFiles({ id, item_id: item.id, cursor, limit: 500 });
		files.push(...page.items);
		cursor = page.next_cursor ?? undefined;
	} while (cursor);
	return { ...(await client.getItem({ id, item_id: item.id })), files };
}

/** `[name, status, error]` of each file in a sync record, by name. */
function fileRows(files: { name: string; status: string; error: string | null }[]) {
	return files
		.map((file) => [file.name, file.status, file.error])
		.sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

function mkfifo(file: string) {
	execFileSync('mkfifo', [file]);
}

/** A file outside every source folder, which no link may smuggle into the store. */
function secretFile(): string {
	const file = path.join(tempDir('qh-outside-'), 'secret.txt');
	fs.writeFileSync(file, SECRET);
	return file;
}

/** The files under `dir` (up to 1 MB each) whose content includes `text`. */
function filesHolding(dir: string, text: string): string[] {
	return fs
		.readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => path.join(entry.parentPath, entry.name))
		.filter((file) => fs.statSync(file).size <= MB && fs.readFileSync(file, 'utf8').includes(text));
}

describe('a FIFO named _QH_dataset_info.yaml', () => {
	it('hangs nothing: the scan names it and the dataset goes missing, an upload meeting it fails by name, the rest syncs, the agent stops in time', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		writeDataset(root, 'P/good', { 'a.txt': 'a' });
		const swapped = writeDataset(root, 'P/swapped', { 'b.txt': 'b' });
		fs.mkdirSync(path.join(root, 'P/fifo'));
		mkfifo(path.join(root, 'P/fifo', INFO_FILE));
		const other = tempDir();
		writeDataset(other, 'Q/first', { 'c.txt': 'c' });
		// Without a default scope its items wait for a mapping: meanwhile the info file the scan
		// found is swapped for a FIFO. The next scan names it, and the dataset is missing.
		const source = await folderSource(client, root);
		const second = await folderSource(client, other, scope, 'second');
		await client.startAgent();
		await waitForSource(client, source.id, { items_total: 2, items_unmapped_scope_count: 2 });
		fs.rmSync(path.join(swapped, INFO_FILE));
		mkfifo(path.join(swapped, INFO_FILE));
		await client.createScopeMapping({ id: source.id, scope_identifier: 'P', scope_uuid: scope });
		await waitForSource(client, source.id, { items_synced: 1, items_missing: 1, items_failed: 0 });
		// An upload that meets the FIFO (swapped in after the scan) fails at once, by name.
		const folderbase = findBackend(FOLDERBASE)!.implementation!;
		await expect(folderbase.read({ root_directory: root }, 'P/swapped')).rejects.toThrow(
			`${path.join(swapped, INFO_FILE)}: skipped, FIFO`
		);
		// The agent goes on with its next cycles.
		writeDataset(other, 'Q/next', { 'd.txt': 'd' });
		await waitForSource(client, second.id, { items_synced: 2 });
		expect((await client.getSource({ id: source.id })).status).not.toBe('error');
		// A FIFO by that name makes no dataset; it is named once, as a warning.
		const errors = (await client.listSourceErrors({ id: source.id })).items;
		const messages = errors.map((error) => error.message);
		expect(messages).toContain(`Skipped P/fifo/${INFO_FILE}: FIFO`);
		expect(messages).toContain(`Skipped P/swapped/${INFO_FILE}: FIFO`);
		expect(new Set(messages).size).toBe(messages.length);
		expect(errors.every((error) => error.severity === 'warning')).toBe(true);

		const stopping = performance.now();
		await client.stopAgent();
		expect(performance.now() - stopping).toBeLessThan(5000);
		expect(fs.readFileSync(settings.apiLogFile, 'utf8')).not.toContain('killing it');
	});
});

describe('links and special files inside a dataset', () => {
	it('are not copied, and are named in the sync record as SKIPPED with why; the rest syncs', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		const secret = secretFile();
		const dir = writeDataset(root, 'P/mixed', { 'data.txt': 'data', 'sub/more.txt': 'more' });
		fs.symlinkSync(secret, path.join(dir, 'secret-link.txt'));
		fs.symlinkSync(path.dirname(secret), path.join(dir, 'folder-link'));
		mkfifo(path.join(dir, 'sub/fifo'));
		const socket = net.createServer().listen(path.join(dir, 'socket'));
		onTestFinished(() => void socket.close());
		await once(socket, 'listening');
		const source = await folderSource(client, root, scope);
		await client.startAgent();

		await waitForSource(client, source.id, { items_synced: 1 });
		const detail = await itemOf(client, source.id, 'P/mixed');
		expect(fileRows(detail.files)).toEqual([
			['data.txt', 'OK', null],
			['folder-link', 'SKIPPED', 'link'],
			['secret-link.txt', 'SKIPPED', 'link'],
			['socket', 'SKIPPED', 'socket'],
			['sub/fifo', 'SKIPPED', 'FIFO'],
			['sub/more.txt', 'OK', null]
		]);
		const manifest = manifestOf(settings.storeDir, scope, detail.dataset_uuid);
		expect(manifest.files.map((file) => file.name)).toEqual(['data.txt', 'sub/more.txt']);
		expect(filesHolding(settings.storeDir, SECRET)).toEqual([]);
	});
});

describe('a file swapped for a link while the upload runs', () => {
	it('is never copied, whether the link points outside the folder or to /dev/zero', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		const secret = secretFile();
		const dir = writeDataset(root, 'P/race', { 'small.txt': 'small', 'zero.bin': 'zero' });
		// As many large files as are copied at once, named first: the small files wait for one.
		for (let i = 0; i < COPY_CONCURRENCY; i++) sparseFile(path.join(dir, `big-${i}.bin`), 32 * MB);
		const source = await folderSource(client, root, scope);
		await client.startAgent();
		await vi.waitFor(() => expect(partialCopies(settings.storeDir)).not.toEqual([]), {
			timeout: 20_000,
			interval: 5
		});
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		const stored = path.join(settings.storeDir, scope, item!.dataset_uuid, 'files');
		fs.rmSync(path.join(dir, 'small.txt'));
		fs.symlinkSync(secret, path.join(dir, 'small.txt'));
		fs.rmSync(path.join(dir, 'zero.bin'));
		fs.symlinkSync('/dev/zero', path.join(dir, 'zero.bin'));
		// The swap raced the upload: no large file was complete yet, so neither small one was opened.
		expect(fs.existsSync(stored) ? fs.readdirSync(stored) : []).toEqual([]);

		// That upload fails; the next scan sees links, and the next upload skips them.
		await waitForSource(client, source.id, { items_synced: 1 }, { timeout: 60_000, interval: 100 });
		expect(fs.readFileSync(settings.agentLogFile, 'utf8')).toContain(
			`Failed to sync "P/race" of "fb": 2 of ${COPY_CONCURRENCY + 2} files could not be uploaded`
		);
		const detail = await itemOf(client, source.id, 'P/race');
		expect(fileRows(detail.files).filter(([, status]) => status !== 'OK')).toEqual([
			['small.txt', 'SKIPPED', 'link'],
			['zero.bin', 'SKIPPED', 'link']
		]);
		expect(fs.readdirSync(stored).sort()).toEqual(
			Array.from({ length: COPY_CONCURRENCY }, (_, i) => `big-${i}.bin`)
		);
		expect(filesHolding(settings.storeDir, SECRET)).toEqual([]);
	});
});

describe('an unreadable folder, for an agent that is not root', () => {
	it('is skipped with one source warning; the datasets beside it sync and the source runs on', async () => {
		// Root reads any folder whatever its mode: the sync API gets a process of its own.
		const { client } = await startAgentProcess({ permissionsApply: true });
		const scope = (await client.listScopes())[0]!.uuid;
		const root = tempDir();
		writeDataset(root, 'P/open', { 'a.txt': 'a' });
		const partly = writeDataset(root, 'P/partly', { 'b.txt': 'b', 'private/c.txt': 'c' });
		writeDataset(root, 'locked/hidden', { 'd.txt': 'd' });
		fs.chmodSync(path.join(root, 'locked'), 0o000);
		fs.chmodSync(path.join(partly, 'private'), 0o000);
		const source = await folderSource(client, root, scope);
		await client.startAgent();
		await waitForSource(client, source.id, { items_total: 2, items_synced: 2, items_failed: 0 });
		// A few more cycles: the warning is still recorded once.
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect((await client.getSource({ id: source.id })).status).not.toBe('error');
		const errors = (await client.listSourceErrors({ id: source.id })).items;
		expect(errors.map(({ severity, message }) => ({ severity, message }))).toEqual([
			{
				severity: 'warning',
				message: `Skipped locked: unreadable (EACCES: permission denied, scandir '${path.join(root, 'locked')}')`
			}
		]);
		const detail = await itemOf(client, source.id, 'P/partly');
		expect(fileRows(detail.files)).toEqual([
			['b.txt', 'OK', null],
			['private', 'SKIPPED', 'unreadable']
		]);
	});
});

describe('a path longer than PATH_MAX', () => {
	it('is skipped with a warning naming it, in the scan and inside a dataset; the rest syncs', async () => {
		const { client, scope } = await agentWithScope();
		// Node cannot remove what lies past PATH_MAX: rm works relative to each folder.
		const root = sharedTempDir('qh-data-');
		onTestFinished(() => void execFileSync('rm', ['-rf', root]));
		writeDataset(root, 'P/near', { 'a.txt': 'a' });
		// Each step is under PATH_MAX (4096 bytes); the rename puts one deep tree inside another.
		const segment = 'n'.repeat(250);
		const deep = path.join(root, 'P', ...Array<string>(15).fill(segment));
		fs.mkdirSync(deep, { recursive: true });
		const tail = writeDataset(root, 'tail/ds', { 'b.txt': 'b' });
		fs.mkdirSync(path.join(tail, segment, segment), { recursive: true });
		fs.mkdirSync(path.join(root, 'tail', segment, segment), { recursive: true });
		fs.renameSync(path.join(root, 'tail'), path.join(deep, 'tail'));
		const relativeDeep = path.relative(root, deep);
		expect(Buffer.byteLength(path.join(deep, 'tail', segment, segment))).toBeGreaterThan(4096);

		const source = await folderSource(client, root, scope);
		await client.startAgent();
		await waitForSource(client, source.id, { items_total: 2, items_synced: 2 });
		expect((await client.getSource({ id: source.id })).status).not.toBe('error');
		const warnings = (await client.listSourceErrors({ id: source.id })).items;
		// inotify cannot watch past PATH_MAX either: the folder is scanned without a watcher.
		expect(warnings.map((entry) => [entry.severity, entry.exception]).sort()).toEqual([
			['warning', 'SkippedEntry'],
			['warning', 'WatchUnavailable']
		]);
		const warning = warnings.find((entry) => entry.exception === 'SkippedEntry');
		expect(warning!.message).toMatch(
			new RegExp(`^Skipped ${relativeDeep}/tail/${segment}/${segment}: unreadable \\(ENAMETOOLONG`)
		);
		const detail = await itemOf(client, source.id, `${relativeDeep}/tail/ds`);
		expect(fileRows(detail.files)).toEqual([
			['b.txt', 'OK', null],
			[`${segment}/${segment}`, 'SKIPPED', 'unreadable']
		]);
	});
});

describe('metadata made to exhaust memory', () => {
	it('fails the item with a 50 MB info file or an alias bomb, saying why; the source runs on', async () => {
		const { client, scope, supervisor } = await agentWithScope();
		const root = tempDir();
		const huge = writeDataset(root, 'P/huge', { 'a.txt': 'a' });
		// Valid YAML: read whole, it would parse.
		fs.writeFileSync(path.join(huge, INFO_FILE), `dataset_name: huge\n${'#'.repeat(50 * MB)}\n`);
		const levels = Array.from({ length: 9 }, (_, i) => {
			const [name, below] = [String.fromCharCode(98 + i), String.fromCharCode(97 + i)];
			return `${name}: &${name} [${Array<string>(9).fill(`*${below}`).join(', ')}]`;
		});
		writeDataset(
			root,
			'P/laughs',
			{ 'b.txt': 'b' },
			`a: &a [lol, lol, lol]\n${levels.join('\n')}\n`
		);
		writeDataset(root, 'P/plain', { 'c.txt': 'c' });
		const source = await folderSource(client, root, scope);
		await client.startAgent();

		await waitForSource(client, source.id, { items_synced: 1, items_failed: 2 });
		const { items } = await client.listSourceItems({
			id: source.id,
			is_synchronized: false,
			order_by: 'data_identifier',
			order: 'asc'
		});
		expect(items.map((item) => [item.data_identifier, item.error])).toEqual([
			['P/huge', `${INFO_FILE} is 50.0 MB; at most 1.0 MB is read`],
			[
				'P/laughs',
				`P/laughs/${INFO_FILE} is refused: Excessive alias count indicates a resource exhaustion attack`
			]
		]);
		expect((await client.getSource({ id: source.id })).status).not.toBe('error');
		// The agent process peaks at about 105 MB; reading the 50 MB file whole took it past 210.
		const peak = fs
			.readFileSync(`/proc/${supervisor.pid}/status`, 'utf8')
			.match(/VmHWM:\s*(\d+) kB/);
		expect(Number(peak![1]) * 1024).toBeLessThan(160 * MB);
	});
});

describe('a dataset with nothing to copy', () => {
	it('syncs as metadata only, whether it holds only its info file or only what is skipped', async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		writeDataset(root, 'P/info-only', {}, 'dataset_name: Only metadata\n');
		const skipped = writeDataset(root, 'P/all-skipped', {});
		fs.symlinkSync(secretFile(), path.join(skipped, 'link.txt'));
		const source = await folderSource(client, root, scope);
		await client.startAgent();

		await waitForSource(client, source.id, { items_synced: 2 });
		const infoOnly = await itemOf(client, source.id, 'P/info-only');
		expect(manifestOf(settings.storeDir, scope, infoOnly.dataset_uuid)).toMatchObject({
			name: 'Only metadata',
			files: []
		});
		expect(infoOnly.files).toEqual([]);
		const allSkipped = await itemOf(client, source.id, 'P/all-skipped');
		expect(manifestOf(settings.storeDir, scope, allSkipped.dataset_uuid).files).toEqual([]);
		expect(fileRows(allSkipped.files)).toEqual([['link.txt', 'SKIPPED', 'link']]);
	});
});

describe('a dataset of 150,000 files', () => {
	// Tiny files, so what counts is the cost per file. Creating an inode costs 0.2 ms on some
	// disks, so the folder is made of hard links to ten files (a link is a fraction of that):
	// the agent still opens, checks, hashes and copies each of its 150,000 names.
	it('syncs, and the agent rescanning it still stops in time', { timeout: 300_000 }, async () => {
		const { client, scope, settings } = await agentWithScope();
		const root = tempDir();
		const dir = writeDataset(root, 'P/many', {});
		for (let i = 0; i < 150_000; i++) {
			const name = path.join(dir, `f${i}`);
			if (i < 10) fs.writeFileSync(name, String(i));
			else fs.linkSync(path.join(dir, `f${i % 10}`), name);
		}
		const source = await folderSource(client, root, scope);
		await client.startAgent();

		await waitForSource(
			client,
			source.id,
			{ items_synced: 1 },
			{ timeout: 240_000, interval: 500 }
		);
		const [item] = (await client.listSourceItems({ id: source.id })).items;
		const { files } = manifestOf(settings.storeDir, scope, item!.dataset_uuid);
		expect(files).toHaveLength(150_000);
		const stored = path.join(settings.storeDir, scope, item!.dataset_uuid, 'files');
		expect(fs.readFileSync(path.join(stored, 'f149997'), 'utf8')).toBe('7');
		expect(files.find((file) => file.name === 'f149997')).toMatchObject({ size: 1 });
		// Every cycle lists its 150,000 files again: the stop still comes within the grace period.
		await client.stopAgent();
		expect(fs.readFileSync(settings.apiLogFile, 'utf8')).not.toContain('killing it');
	});
});

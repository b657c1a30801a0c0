import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Source } from '../../src/lib/contract';
import { rejection, startAgent, startAgentProcess } from './harness';
import { tempDir } from './datasets';

const FOLDERBASE = 'etiket_sync_agent_folderbase';
const FIELD = 'config_data.root_directory';

interface Ctx {
	client: Awaited<ReturnType<typeof startAgent>>['client'];
	scope: string;
	/** A fresh folder for the case to build in. */
	scratch: string;
	/** A regular file. */
	file: string;
	/** Creates a source named "existing" at `folder`. */
	existing: (folder: string) => Promise<Source>;
}

interface Case {
	name: string;
	/** Builds what the case needs and returns the folder to submit. */
	folder: (ctx: Ctx) => string | Promise<string>;
	message: RegExp;
	/** The case is about folder permissions, which must apply to the sync API's user. */
	permissions?: boolean;
}

/** A folder the agent may not list: mode 000 (until the test ends, so it can be removed). */
function locked(scratch: string): string {
	const dir = path.join(scratch, 'locked');
	fs.mkdirSync(path.join(dir, 'inner'), { recursive: true });
	fs.chmodSync(dir, 0o000);
	onTestFinished(() => fs.chmodSync(dir, 0o700));
	return dir;
}

const pathCases: Case[] = [
	{
		name: 'a file in the middle of the path (ENOTDIR)',
		folder: ({ file }) => path.join(file, 'x'),
		message: /is not a folder: a part of the path is a file/
	},
	{
		name: 'a path of 5,000 characters',
		folder: ({ scratch }) => path.join(scratch, 'a'.repeat(5000)),
		message: /path is too long/
	},
	{
		name: 'a name longer than the file system allows (ENAMETOOLONG)',
		folder: ({ scratch }) => path.join(scratch, 'a'.repeat(300)),
		message: /too long/
	},
	{
		name: 'a NUL byte',
		folder: ({ scratch }) => `${scratch}/a\0b`,
		message: /contains a NUL character/
	},
	{
		name: 'a symbolic link loop (ELOOP)',
		folder: ({ scratch }) => {
			fs.symlinkSync(path.join(scratch, 'b'), path.join(scratch, 'a'));
			fs.symlinkSync(path.join(scratch, 'a'), path.join(scratch, 'b'));
			return path.join(scratch, 'a');
		},
		message: /too many levels of symbolic links/
	},
	{
		name: 'a file, not a folder',
		folder: ({ file }) => file,
		message: /is not a folder/
	},
	{
		name: 'a folder that does not exist',
		folder: ({ scratch }) => path.join(scratch, 'missing'),
		message: /does not exist/
	},
	{
		name: 'a folder inside one the agent may not enter (EACCES)',
		folder: ({ scratch }) => path.join(locked(scratch), 'inner'),
		message: /agent may not read/,
		permissions: true
	},
	{
		name: 'a folder the agent may not list',
		folder: ({ scratch }) => locked(scratch),
		message: /agent may not read/,
		permissions: true
	}
];

const overlapCases: Case[] = [
	{
		name: 'the folder of another source, through a link',
		folder: async ({ scratch, existing }) => {
			const real = path.join(scratch, 'real');
			fs.mkdirSync(real);
			await existing(real);
			fs.symlinkSync(real, path.join(scratch, 'link'));
			return path.join(scratch, 'link');
		},
		message: /Overlaps the folder of source "existing"/
	},
	{
		name: 'a folder inside another source’s, through a link',
		folder: async ({ scratch, existing }) => {
			const real = path.join(scratch, 'real');
			fs.mkdirSync(path.join(real, 'inner'), { recursive: true });
			await existing(real);
			fs.symlinkSync(path.join(real, 'inner'), path.join(scratch, 'link'));
			return path.join(scratch, 'link');
		},
		message: /Overlaps the folder of source "existing"/
	},
	{
		name: 'a folder inside another source’s that was registered through a link',
		folder: async ({ scratch, existing }) => {
			const real = path.join(scratch, 'real');
			fs.mkdirSync(path.join(real, 'inner'), { recursive: true });
			fs.symlinkSync(real, path.join(scratch, 'link'));
			await existing(path.join(scratch, 'link'));
			return path.join(real, 'inner');
		},
		message: /Overlaps the folder of source "existing"/
	},
	{
		name: 'a folder around another source’s whose folder has vanished',
		folder: async ({ scratch, existing }) => {
			const gone = path.join(scratch, 'gone');
			fs.mkdirSync(gone);
			await existing(gone);
			fs.rmdirSync(gone);
			return scratch;
		},
		message: /Overlaps the folder of source "existing"/
	}
];

async function setup(permissions = false) {
	// Root reads any folder whatever its mode: permission cases get a sync API of their own.
	const { client } = permissions
		? await startAgentProcess({ permissionsApply: true })
		: await startAgent();
	const scope = (await client.listScopes())[0]!.uuid;
	const scratch = tempDir();
	const file = path.join(tempDir(), 'data.csv');
	fs.writeFileSync(file, '1,2\n');
	const ctx: Ctx = {
		client,
		scope,
		scratch,
		file,
		existing: (folder) =>
			client.createSource({
				name: 'existing',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: folder },
				default_scope: scope
			})
	};
	return { ctx, sources: () => client.listSources() };
}

/** The one field detail of a refusal; the request must have been refused as invalid. */
function expectRefused(error: Awaited<ReturnType<typeof rejection>>, message: RegExp) {
	expect([error.status, error.code]).toEqual([422, 'ValidationError']);
	expect(error.details.map((d) => d.path)).toEqual([FIELD]);
	expect(error.details[0]!.message).toMatch(message);
}

describe.each([
	['paths', pathCases],
	['overlaps', overlapCases]
])('a source folder the agent refuses (%s): 422 on the field, nothing written', (_, cases) => {
	for (const testCase of cases) {
		it(`create: ${testCase.name}`, async () => {
			const { ctx, sources } = await setup(testCase.permissions);
			const folder = await testCase.folder(ctx);
			const before = await sources();
			const error = await rejection(
				ctx.client.createSource({
					name: 'new',
					backend_identifier: FOLDERBASE,
					config_data: { root_directory: folder },
					default_scope: ctx.scope
				})
			);
			expectRefused(error, testCase.message);
			expect(await sources()).toEqual(before);
		});

		it(`update: ${testCase.name}`, async () => {
			const { ctx, sources } = await setup(testCase.permissions);
			const mine = tempDir();
			const { id } = await ctx.client.createSource({
				name: 'mine',
				backend_identifier: FOLDERBASE,
				config_data: { root_directory: mine },
				default_scope: ctx.scope
			});
			const folder = await testCase.folder(ctx);
			const before = await sources();
			const error = await rejection(
				ctx.client.updateSource({ id, config_data: { root_directory: folder } })
			);
			expectRefused(error, testCase.message);
			expect(await sources()).toEqual(before);
		});
	}
});

describe('a source folder given through a link', () => {
	it('is stored as given (absolute, normalised), not as its real path', async () => {
		const { ctx } = await setup();
		const real = path.join(ctx.scratch, 'real');
		fs.mkdirSync(real);
		fs.symlinkSync(real, path.join(ctx.scratch, 'link'));
		const created = await ctx.client.createSource({
			name: 'linked',
			backend_identifier: FOLDERBASE,
			config_data: { root_directory: `${ctx.scratch}//link/.` },
			default_scope: ctx.scope
		});
		expect(created.config_data.root_directory).toBe(path.join(ctx.scratch, 'link'));
	});

	it('may be changed to its own real path without overlapping itself', async () => {
		const { ctx } = await setup();
		const real = path.join(ctx.scratch, 'real');
		fs.mkdirSync(real);
		fs.symlinkSync(real, path.join(ctx.scratch, 'link'));
		const { id } = await ctx.existing(path.join(ctx.scratch, 'link'));
		const updated = await ctx.client.updateSource({ id, config_data: { root_directory: real } });
		expect(updated.config_data.root_directory).toBe(real);
	});
});

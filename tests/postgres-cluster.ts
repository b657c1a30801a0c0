/**
 * A throwaway PostgreSQL cluster for the tests: Debian's `postgresql` package (installed by
 * `scripts/ensure-system-packages.js`), `initdb` into a temporary folder, one server on a free
 * loopback port with password (SCRAM) authentication. As root it runs as the `postgres` user,
 * since PostgreSQL refuses to run as root. Durability is off: nothing here outlives the test.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './helpers';

export interface PostgresCluster {
	host: string;
	port: number;
	/** The superuser and its password. */
	user: string;
	password: string;
	/** A new empty database, by name. */
	createDatabase(name: string): Promise<void>;
	/** A client connected to `database` as the superuser; the caller ends it. */
	connect(database: string): Promise<pg.Client>;
	/** Stops the server (fast shutdown: connections are cut); `start` brings it back. */
	stop(): Promise<void>;
	start(): Promise<void>;
	/** Stops the server and removes the cluster. */
	remove(): Promise<void>;
}

/** The newest PostgreSQL's programs: PG_BINDIR, else Debian's /usr/lib/postgresql/<major>/bin. */
function binDir(): string {
	if (process.env.PG_BINDIR) return process.env.PG_BINDIR;
	const root = '/usr/lib/postgresql';
	const majors = fs.existsSync(root)
		? fs
				.readdirSync(root)
				.filter((major) => fs.existsSync(path.join(root, major, 'bin', 'initdb')))
				.sort((a, b) => Number(b) - Number(a))
		: [];
	if (!majors.length) {
		throw new Error(
			'No PostgreSQL server found: install it (Debian/Ubuntu: apt-get install postgresql) or set PG_BINDIR'
		);
	}
	return path.join(root, majors[0]!, 'bin');
}

/** As root: the `postgres` user's ids, from /etc/passwd. */
function runAs(): { uid: number; gid: number } | null {
	if (process.getuid?.() !== 0) return null;
	const line = fs
		.readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith('postgres:'));
	if (!line) throw new Error('Running as root, and there is no postgres user to run PostgreSQL as');
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
	const bin = binDir();
	const owner = runAs();
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qh-postgres-'));
	const data = path.join(dir, 'data');
	const password = `pw-${Math.random().toString(36).slice(2)}`;
	fs.writeFileSync(path.join(dir, 'password'), password);
	if (owner) {
		for (const entry of [dir, path.join(dir, 'password')]) {
			fs.chownSync(entry, owner.uid, owner.gid);
		}
	}
	const user = 'postgres';
	const initdb = spawnSync(
		path.join(bin, 'initdb'),
		[
			'-D',
			data,
			'-U',
			user,
			'--auth=scram-sha-256',
			`--pwfile=${path.join(dir, 'password')}`,
			'--no-sync',
			'--no-instructions',
			'-E',
			'UTF8',
			'--locale=C'
		],
		{ encoding: 'utf8', ...(owner ?? {}) }
	);
	if (initdb.status !== 0) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw new Error(`initdb failed: ${initdb.stderr || initdb.error?.message}`);
	}
	const port = await freePort();
	let server: ChildProcess | null = null;

	const start = async () => {
		const child = spawn(
			path.join(bin, 'postgres'),
			[
				'-D',
				data,
				'-p',
				String(port),
				'-c',
				'listen_addresses=127.0.0.1',
				'-c',
				`unix_socket_directories=${dir}`,
				'-c',
				'fsync=off',
				'-c',
				'synchronous_commit=off',
				'-c',
				'full_page_writes=off'
			],
			{ stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) }
		);
		let output = '';
		await new Promise<void>((resolve, reject) => {
			const timer = setTimeout(
				() => fail(new Error(`PostgreSQL did not start:\n${output}`)),
				30_000
			);
			const read = (chunk: Buffer) => {
				output += chunk;
				if (output.includes('ready to accept connections')) done();
			};
			const exit = () => fail(new Error(`PostgreSQL exited:\n${output}`));
			function done() {
				clearTimeout(timer);
				child.stderr!.off('data', read);
				child.off('exit', exit);
				// Keep draining its log, or a full pipe would stall the server.
				child.stderr!.resume();
				resolve();
			}
			function fail(error: Error) {
				clearTimeout(timer);
				child.kill('SIGKILL');
				reject(error);
			}
			child.stdout!.resume();
			child.stderr!.on('data', read);
			child.on('exit', exit);
		});
		server = child;
	};
	const stop = async () => {
		const child = server;
		server = null;
		if (!child || child.exitCode !== null || child.signalCode !== null) return;
		const exited = once(child, 'exit');
		child.kill('SIGINT');
		await exited;
	};
	const connect = async (database: string) => {
		const client = new pg.Client({ host: '127.0.0.1', port, user, password, database });
		await client.connect();
		return client;
	};

	try {
		await start();
	} catch (error) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw error;
	}
	return {
		host: '127.0.0.1',
		port,
		user,
		password,
		connect,
		async createDatabase(name) {
			const client = await connect('postgres');
			try {
				await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
			} finally {
				await client.end();
			}
		},
		start,
		stop,
		async remove() {
			await stop();
			fs.rmSync(dir, { recursive: true, force: true });
		}
	};
}

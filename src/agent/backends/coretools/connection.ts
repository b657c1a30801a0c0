/**
 * Connections to a Core-Tools PostgreSQL database: one pool per server, database and user,
 * every session read-only, TLS whenever the server offers it. Errors that mean the server
 * cannot be used now (down, refusing, wrong password) become `UnreachableError`; no message
 * ever carries the password.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { UnreachableError, type ConfigData } from '../types';

export interface CoretoolsServer {
	host: string;
	port: number;
	dbname: string;
	user: string;
	password: string;
}

export function serverOf(config: ConfigData): CoretoolsServer {
	return {
		host: String(config.host ?? 'localhost'),
		port: Number(config.port ?? 5432),
		dbname: String(config.dbname),
		user: String(config.user),
		password: String(config.password ?? '')
	};
}

/** How long a connection attempt may take before the server counts as unreachable. */
const CONNECT_TIMEOUT_MS = 5_000;
/** A query running longer is cancelled by the server (a read of a huge large object aside). */
const STATEMENT_TIMEOUT_MS = 120_000;

interface Entry {
	pool: pg.Pool;
	tls: boolean;
}

const pools = new Map<string, Entry>();

/** The pool's key: the password by its hash, so it is not kept twice in memory. */
function keyOf(server: CoretoolsServer): string {
	const password = createHash('sha256').update(server.password).digest('hex');
	return JSON.stringify([server.host, server.port, server.dbname, server.user, password]);
}

function newPool(server: CoretoolsServer, tls: boolean): pg.Pool {
	const pool = new pg.Pool({
		host: server.host,
		port: server.port,
		database: server.dbname,
		user: server.user,
		password: server.password,
		// As libpq's sslmode=require: encrypted, certificate not checked (lab servers use
		// self-signed ones). Without TLS only when the server has none (see `query`).
		ssl: tls ? { rejectUnauthorized: false } : false,
		// The user's data is read-only to the agent: the server refuses any write.
		options: '-c default_transaction_read_only=on',
		application_name: 'etiket-sync-agent',
		max: 2,
		idleTimeoutMillis: 30_000,
		connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
		statement_timeout: STATEMENT_TIMEOUT_MS,
		// A pool with nothing to do never keeps the process alive.
		allowExitOnIdle: true
	});
	// A server going away ends connections with an error event, idle or in use: the query
	// in flight (or the next one) reports it.
	pool.on('error', () => {});
	pool.on('connect', (client) => client.on('error', () => {}));
	return pool;
}

function poolOf(server: CoretoolsServer): Entry {
	const key = keyOf(server);
	let entry = pools.get(key);
	if (!entry) {
		entry = { pool: newPool(server, true), tls: true };
		pools.set(key, entry);
	}
	return entry;
}

/** SQLSTATE classes and codes, and socket errors, that mean "the server cannot be used now". */
const UNREACHABLE_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EPIPE',
	'3D000', // the database does not exist
	'57P01', // the server is shutting down
	'57P02',
	'57P03' // the server is starting up
]);

function isUnreachable(error: unknown): boolean {
	const code = (error as { code?: unknown }).code;
	if (typeof code === 'string') {
		if (UNREACHABLE_CODES.has(code)) return true;
		// 08: connection exceptions; 28: authentication (wrong password, no pg_hba entry).
		if (/^(08|28)/.test(code)) return true;
	}
	const message = error instanceof Error ? error.message : String(error);
	return /Connection terminated|timeout expired|connect ECONN|getaddrinfo/i.test(message);
}

/** The error a person reads: the server named, the password never. */
export function describeFailure(server: CoretoolsServer, error: unknown): Error {
	let message = error instanceof Error ? error.message : String(error);
	if (server.password.length >= 4) message = message.split(server.password).join('••••');
	const where = `the Core-Tools database "${server.dbname}" on ${server.host}:${server.port}`;
	return isUnreachable(error)
		? new UnreachableError(`Cannot use ${where} as "${server.user}": ${message}`)
		: new Error(`Reading ${where}: ${message}`);
}

/**
 * Runs `work` with a client of the server's pool, in one read-only transaction that sees one
 * snapshot of the database (a measurement written meanwhile is read whole or not at all).
 */
export async function withCoretools<T>(
	config: ConfigData,
	work: (client: pg.PoolClient) => Promise<T>
): Promise<T> {
	const server = serverOf(config);
	const entry = poolOf(server);
	let client: pg.PoolClient;
	try {
		client = await entry.pool.connect();
	} catch (error) {
		// libpq's sslmode=prefer: a server without TLS is spoken to in the clear.
		if (entry.tls && /does not support SSL/i.test((error as Error).message)) {
			void entry.pool.end();
			entry.pool = newPool(server, false);
			entry.tls = false;
			return withCoretools(config, work);
		}
		throw describeFailure(server, error);
	}
	let broken = false;
	try {
		await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
		const result = await work(client);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		broken = isUnreachable(error);
		if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
		throw error instanceof UnreachableError ? error : describeFailure(server, error);
	} finally {
		client.release(broken);
	}
}

/** Whether the server answers now: null, or why it does not. */
export async function coretoolsProblem(config: ConfigData): Promise<string | null> {
	try {
		await withCoretools(config, (client) => client.query('SELECT 1'));
		return null;
	} catch (error) {
		return (error as Error).message;
	}
}

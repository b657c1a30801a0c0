import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrations } from './migrations';

export type Db = Database.Database;

/**
 * Opens the agent database (WAL, so the API and the agent process read while the other
 * writes) and brings its schema up to date.
 */
export function openDatabase(file: string): Db {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	const db = new Database(file);
	db.pragma('journal_mode = WAL');
	db.pragma('synchronous = NORMAL');
	db.pragma('foreign_keys = ON');
	// Two processes share the file; wait for the other's write instead of failing.
	db.pragma('busy_timeout = 5000');
	migrate(db);
	return db;
}

function migrate(db: Db): void {
	const current = db.pragma('user_version', { simple: true }) as number;
	for (let version = current; version < migrations.length; version++) {
		db.transaction(() => {
			db.exec(migrations[version]!);
			db.pragma(`user_version = ${version + 1}`);
		}).immediate();
	}
}

/**
 * Runs `fn` in a transaction that takes the write lock before its first read (`BEGIN
 * IMMEDIATE`). The other process cannot commit between what `fn` reads and what it writes,
 * and SQLite never has to upgrade a read to a write, which fails at once (`database is
 * locked`) when the other process wrote meanwhile. Every read-then-write goes through here.
 */
export function writeTransaction<T>(db: Db, fn: () => T): T {
	return db.transaction(fn).immediate();
}

export function now(): string {
	return new Date().toISOString();
}

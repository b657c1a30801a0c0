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
	// Two processes share the file; wait for the other's write instead of failing.
	db.pragma('busy_timeout = 5000');
	db.pragma('foreign_keys = OFF');
	migrate(db);
	db.pragma('foreign_keys = ON');
	return db;
}

/**
 * Runs the migrations not run yet, each in its own transaction. Foreign keys are off while
 * they run (the pragma cannot change inside a transaction): a migration may rebuild a table,
 * and dropping the old one would otherwise delete the rows that refer to it. Each checks the
 * keys before it commits instead. The version is read inside the transaction, so the other
 * process, opening the file at the same time, never runs a migration twice.
 */
function migrate(db: Db): void {
	for (;;) {
		const migrated = db
			.transaction(() => {
				const version = db.pragma('user_version', { simple: true }) as number;
				if (version >= migrations.length) return false;
				db.exec(migrations[version]!);
				const broken = db.pragma('foreign_key_check') as unknown[];
				if (broken.length) {
					throw new Error(
						`Migration ${version + 1} leaves ${broken.length} rows with a broken foreign key`
					);
				}
				db.pragma(`user_version = ${version + 1}`);
				return true;
			})
			.immediate();
		if (!migrated) return;
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

import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

/** Rotate at 10 MB, keeping one backup, as the Python services do. */
export const ROTATE_BYTES = 10 * 1024 * 1024;

export interface Logger {
	debug(message: string, ...args: unknown[]): void;
	info(message: string, ...args: unknown[]): void;
	warning(message: string, ...args: unknown[]): void;
	/** An `Error` among the arguments is written with its stack, as one record. */
	error(message: string, ...args: unknown[]): void;
	child(name: string): Logger;
	close(): void;
}

/** `<file>.generation` holds how many times the file was rotated: part of a log position. */
export function generationFile(file: string): string {
	return `${file}.generation`;
}

export function readGeneration(file: string): number {
	try {
		return Number.parseInt(fs.readFileSync(generationFile(file), 'utf8'), 10) || 0;
	} catch {
		return 0;
	}
}

/**
 * A file logger with one writer per file; `echo` also prints records above DEBUG to stderr,
 * `rotateBytes` (tests) lowers the rotation threshold. Records are `<ISO time> <LEVEL> <logger>: <message>`;
 * continuation lines (tracebacks) follow without that prefix, so a reader can tell where a
 * record ends. Writes are synchronous so nothing is lost when the process is killed.
 */
export function createLogger(
	file: string,
	name: string,
	{ echo = false, rotateBytes = ROTATE_BYTES }: { echo?: boolean; rotateBytes?: number } = {}
): Logger {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	let fd = fs.openSync(file, 'a');
	let size = fs.fstatSync(fd).size;

	function rotate() {
		fs.closeSync(fd);
		fs.renameSync(file, `${file}.1`);
		fs.writeFileSync(generationFile(file), String(readGeneration(file) + 1));
		fd = fs.openSync(file, 'a');
		size = 0;
	}

	function write(level: LogLevel, logger: string, message: string, args: unknown[]) {
		const text = args.length ? format(message, ...args.map(describe)) : message;
		// A continuation line that looked like a record header would split the record.
		const body = text.replace(/\r?\n(?=\d{4}-\d\d-\d\dT)/g, '\n ');
		const record = Buffer.from(`${new Date().toISOString()} ${level} ${logger}: ${body}\n`);
		if (size > 0 && size + record.length > rotateBytes) rotate();
		fs.writeSync(fd, record);
		size += record.length;
		if (echo && level !== 'DEBUG') process.stderr.write(record);
	}

	function make(loggerName: string): Logger {
		return {
			debug: (m, ...a) => write('DEBUG', loggerName, m, a),
			info: (m, ...a) => write('INFO', loggerName, m, a),
			warning: (m, ...a) => write('WARNING', loggerName, m, a),
			error: (m, ...a) => write('ERROR', loggerName, m, a),
			child: (sub) => make(`${loggerName}.${sub}`),
			close: () => fs.closeSync(fd)
		};
	}
	return make(name);
}

function describe(value: unknown): unknown {
	return value instanceof Error ? `\n${value.stack ?? `${value.name}: ${value.message}`}` : value;
}

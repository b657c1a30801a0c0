import { z } from 'zod';
import { Timestamp } from './common';
import { LOG_SERVICES } from './constants';
import { errors, json, type Operation } from './operation';

/** The two local services of the SDK's `LogService`. */
export const LogService = z.enum(LOG_SERVICES);

/**
 * A log position: `<generation>:<byte offset>`. The generation counts rotations, so a
 * position stays meaningful after the file it pointed into became the backup.
 */
export const LogPosition = z.string().regex(/^\d+:\d+$/, 'a log position is <generation>:<offset>');

export const LogRecord = z
	.object({
		/** Position of the record's first byte; resume after it with `follow?after=`. */
		id: LogPosition,
		time: Timestamp,
		level: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']),
		logger: z.string(),
		message: z.string(),
		/** The record as written, possibly many lines (a traceback is one record). */
		text: z.string()
	})
	.meta({ id: 'LogRecord' });

export const LogServiceParams = z.object({ service: LogService });

export const LogTail = z
	.object({
		service: LogService,
		records: z.array(LogRecord),
		/** Where a follower should continue: the end of the log when this was read. */
		next: LogPosition
	})
	.meta({ id: 'LogTail' });

export const LogFollow = z
	.object({
		service: LogService,
		records: z.array(LogRecord),
		next: LogPosition,
		/** True when records between `after` and the first one returned were rotated away. */
		gap: z.boolean()
	})
	.meta({ id: 'LogFollow' });

export const logOperations = {
	tailLog: {
		operationId: 'tailLog',
		method: 'get',
		path: '/api/v1/logs/{service}',
		summary: 'The last n records of a service log (Logs.tail); n=-1 for all',
		tags: ['logs'],
		request: {
			params: LogServiceParams,
			query: z.object({ n: z.coerce.number().int().min(-1).max(100_000).default(500) })
		},
		responses: {
			200: json(LogTail, 'The records, oldest first'),
			...errors('LogFileNotFound', 'ValidationError')
		}
	},
	followLog: {
		operationId: 'followLog',
		method: 'get',
		path: '/api/v1/logs/{service}/follow',
		summary: 'Records written after a position; waits up to `wait` seconds for one (long poll)',
		tags: ['logs'],
		request: {
			params: LogServiceParams,
			query: z.object({
				after: LogPosition,
				wait: z.coerce.number().min(0).max(30).default(20),
				limit: z.coerce.number().int().min(1).max(5000).default(1000)
			})
		},
		responses: {
			200: json(LogFollow, 'New records, oldest first'),
			...errors('LogFileNotFound', 'ValidationError')
		}
	}
} satisfies Record<string, Operation>;

export type LogService = z.infer<typeof LogService>;
export type LogRecord = z.infer<typeof LogRecord>;

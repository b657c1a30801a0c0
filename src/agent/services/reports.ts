import type { Db } from '../db/database';
import { now } from '../db/database';
import { readAgentStatus, type AgentProcessState } from './agent-status';
import { listErrors } from './error-inbox';
import { tailLog } from '../logs/reader';

/**
 * Stores an error report in the outbox, with what support needs to see: the message, the
 * agent status, the current errors and the last 200 log records. The embedded agent has no
 * mail relay; the report waits in the outbox (`reports` table).
 */
export function fileReport(
	db: Db,
	context: { supervisor: AgentProcessState; logFile: string; sourceId?: number; itemId?: number },
	message: string
): number {
	let logs: string[];
	try {
		logs = tailLog(context.logFile, 200).records.map((record) => record.text);
	} catch {
		logs = [];
	}
	const payload = {
		status: readAgentStatus(db, context.supervisor),
		errors: listErrors(db, context.sourceId === undefined ? {} : { source: context.sourceId }, {
			limit: 100
		}).items,
		logs
	};
	const result = db
		.prepare(
			'INSERT INTO reports (created_at, source_id, item_id, message, payload) VALUES (?, ?, ?, ?, ?)'
		)
		.run(now(), context.sourceId ?? null, context.itemId ?? null, message, JSON.stringify(payload));
	return Number(result.lastInsertRowid);
}

import { z } from 'zod';
import {
	BooleanQuery,
	Cursor,
	FlipCount,
	IdParam,
	Limit,
	MessageBody,
	ReportReceipt,
	Timestamp,
	pageOf
} from './common';
import { body, errors, json, type Operation } from './operation';

export const ServiceState = z.enum(['running', 'stopped']);
export const AgentStatusValue = z.enum(['running', 'stopped', 'no_connection', 'unavailable']);

/**
 * The five fields of the SDK's `SyncAgent.status()`, and how many sync outcomes were ever
 * recorded (the embedded agent's; it grows with each, so a page knows its history moved).
 */
export const AgentStatus = z
	.object({
		agent_service: ServiceState,
		api_service: ServiceState,
		status: AgentStatusValue,
		iterations: z.number().int().nonnegative(),
		last_update: Timestamp.nullable(),
		outcomes_recorded: z.number().int().nonnegative().default(0)
	})
	.meta({ id: 'AgentStatus' });

/** An agent-level or source-level error; `source_id` is null for the agent's own. */
export const ErrorRecord = z
	.object({
		id: z.number().int().positive(),
		source_id: z.number().int().positive().nullable(),
		timestamp: Timestamp,
		exception: z.string(),
		message: z.string(),
		traceback: z.string().nullable(),
		viewed: z.boolean(),
		/** `warning`: something was left out (e.g. a folder it may not read), the rest goes on. */
		severity: z.enum(['error', 'warning']).default('error')
	})
	.meta({ id: 'ErrorRecord' });

export const ErrorPage = pageOf(ErrorRecord).meta({ id: 'ErrorPage' });

export const ErrorListQuery = z.object({
	viewed: BooleanQuery.optional(),
	cursor: Cursor.optional(),
	limit: Limit
});

export const ErrorIdParams = z.object({ id: IdParam });
export const ViewedBody = z.object({ viewed: z.boolean() });

export const MarkAllViewedBody = z.object({
	/** Flip only errors with an id up to this one: the ones the person was shown. */
	up_to_id: z.number().int().positive().optional()
});

export const agentOperations = {
	getAgentStatus: {
		method: 'get',
		path: '/api/v1/agent/status',
		operationId: 'getAgentStatus',
		summary: 'Status of the sync agent (SyncAgent.status)',
		tags: ['agent'],
		responses: { 200: json(AgentStatus, 'The agent status'), ...errors() }
	},
	startAgent: {
		method: 'post',
		path: '/api/v1/agent/start',
		operationId: 'startAgent',
		summary: 'Start the sync agent (SyncAgent.start)',
		tags: ['agent'],
		responses: {
			200: json(AgentStatus, 'The agent status after starting'),
			...errors('AgentAlreadyRunning')
		}
	},
	stopAgent: {
		method: 'post',
		path: '/api/v1/agent/stop',
		operationId: 'stopAgent',
		summary: 'Stop the sync agent (SyncAgent.stop)',
		tags: ['agent'],
		responses: {
			200: json(AgentStatus, 'The agent status after stopping'),
			...errors('AgentAlreadyStopped')
		}
	},
	listAgentErrors: {
		method: 'get',
		path: '/api/v1/agent/errors',
		operationId: 'listAgentErrors',
		summary: 'Agent-level errors, newest first (SyncAgent.errors)',
		tags: ['agent'],
		request: { query: ErrorListQuery },
		responses: { 200: json(ErrorPage, 'A page of errors'), ...errors('ValidationError') }
	},
	markAgentError: {
		method: 'patch',
		path: '/api/v1/agent/errors/{id}',
		operationId: 'markAgentError',
		summary: 'Mark one agent error viewed or unviewed (error.mark_viewed)',
		tags: ['agent'],
		request: { params: ErrorIdParams, body: body(ViewedBody) },
		responses: {
			200: json(ErrorRecord, 'The error'),
			...errors('NotFound', 'ValidationError')
		}
	},
	markAllAgentErrorsViewed: {
		method: 'post',
		path: '/api/v1/agent/errors/mark-all-viewed',
		operationId: 'markAllAgentErrorsViewed',
		summary: 'Mark all agent errors viewed (SyncAgent.mark_all_errors_viewed)',
		tags: ['agent'],
		request: { body: body(MarkAllViewedBody) },
		responses: {
			200: json(FlipCount, 'How many errors were actually flipped'),
			...errors('ValidationError')
		}
	},
	reportAgentError: {
		method: 'post',
		path: '/api/v1/agent/report',
		operationId: 'reportAgentError',
		summary: 'File an error report about the agent (SyncAgent.report_error)',
		tags: ['agent'],
		request: { body: body(MessageBody) },
		responses: { 200: json(ReportReceipt, 'The stored report'), ...errors('ValidationError') }
	}
} satisfies Record<string, Operation>;

export type AgentStatus = z.infer<typeof AgentStatus>;
export type ErrorRecord = z.infer<typeof ErrorRecord>;

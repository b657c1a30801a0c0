import type { LogService } from '../../../../lib/contract';
import { followLog, LogFileNotFoundError, tailLog } from '../../../logs/reader';
import type { AgentSettings } from '../../../settings';
import { ContractError } from '../../../services/contract-error';
import type { AppRouteHandler } from '../../router';
import type { routes } from './logs.routes';

function fileOf(settings: AgentSettings, service: LogService): string {
	return service === 'api' ? settings.apiLogFile : settings.agentLogFile;
}

/** The reader's refusals in the contract's words. */
function readerErrors(service: LogService, error: unknown): never {
	if (error instanceof LogFileNotFoundError) {
		throw new ContractError('LogFileNotFound', `The ${service} service has not written a log yet`);
	}
	if (error instanceof RangeError) {
		throw new ContractError('ValidationError', 'The request is invalid', [
			{ path: 'after', message: error.message }
		]);
	}
	throw error;
}

export const tail: AppRouteHandler<typeof routes.tail> = (c) => {
	const { service } = c.req.valid('param');
	try {
		const { records, next } = tailLog(fileOf(c.var.deps.settings, service), c.req.valid('query').n);
		return c.json({ service, records, next }, 200);
	} catch (error) {
		return readerErrors(service, error);
	}
};

export const follow: AppRouteHandler<typeof routes.follow> = async (c) => {
	const { service } = c.req.valid('param');
	const { after, wait, limit } = c.req.valid('query');
	try {
		const result = await followLog(fileOf(c.var.deps.settings, service), after, {
			wait,
			limit,
			signal: c.req.raw.signal
		});
		return c.json({ service, ...result }, 200);
	} catch (error) {
		return readerErrors(service, error);
	}
};

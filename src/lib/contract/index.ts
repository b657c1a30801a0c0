import { agentOperations } from './agent';
import { catalogOperations } from './catalog';
import { failureOperations } from './failures';
import { historyOperations } from './history';
import { inboxOperations } from './inbox';
import { itemOperations } from './items';
import { logOperations } from './logs';
import { overviewOperations } from './overview';
import { sourceOperations } from './sources';

export * from './agent';
export * from './catalog';
export * from './common';
export * from './error-codes';
export * from './failures';
export * from './history';
export * from './inbox';
export * from './items';
export * from './logs';
export * from './operation';
export * from './overview';
export * from './sources';

/** Every operation of the sync API, by operationId. */
export const operations = {
	...agentOperations,
	...inboxOperations,
	...sourceOperations,
	...itemOperations,
	...catalogOperations,
	...logOperations,
	...historyOperations,
	...overviewOperations,
	...failureOperations
};

export type OperationId = keyof typeof operations;

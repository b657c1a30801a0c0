import { agentOperations } from './agent';
import { catalogOperations } from './catalog';
import { historyOperations } from './history';
import { inboxOperations } from './inbox';
import { itemOperations } from './items';
import { logOperations } from './logs';
import { sourceOperations } from './sources';

export * from './agent';
export * from './catalog';
export * from './common';
export * from './error-codes';
export * from './history';
export * from './inbox';
export * from './items';
export * from './logs';
export * from './operation';
export * from './sources';

/** Every operation of the sync API, by operationId. */
export const operations = {
	...agentOperations,
	...inboxOperations,
	...sourceOperations,
	...itemOperations,
	...catalogOperations,
	...logOperations,
	...historyOperations
};

export type OperationId = keyof typeof operations;

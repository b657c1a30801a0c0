import { test as base } from '@playwright/test';
import { startStack, type Stack } from './stack';

/** Every test gets its own sync API and dashboard; `page` and `request` point at it. */
export const test = base.extend<{ stack: Stack }>({
	stack: async ({}, use) => {
		const stack = await startStack();
		await use(stack);
		await stack.close();
	},
	baseURL: async ({ stack }, use) => use(stack.dashboardUrl)
});

export { expect } from '@playwright/test';

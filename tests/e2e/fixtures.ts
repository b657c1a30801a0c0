import { test as base } from '@playwright/test';
import { startStack, type Stack } from './stack';

/**
 * Every test gets its own sync API and dashboard; `page` and `request` point at it.
 * `stackEnv` adds environment variables to both (e.g. `test.use({ stackEnv: { QH_SCOPES } })`).
 */
export const test = base.extend<{ stack: Stack; stackEnv: Record<string, string> }>({
	stackEnv: [{}, { option: true }],
	stack: async ({ stackEnv }, use) => {
		const stack = await startStack(stackEnv);
		await use(stack);
		await stack.close();
	},
	baseURL: async ({ stack }, use) => use(stack.dashboardUrl)
});

export { expect } from '@playwright/test';

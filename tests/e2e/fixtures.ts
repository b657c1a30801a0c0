import { test as base, expect } from '@playwright/test';
import { startStack, type Stack, type StackOptions } from './stack';

/**
 * Every test gets its own sync API and dashboard; `page` and `request` point at it.
 * `stackEnv` adds environment variables to both (e.g. `test.use({ stackEnv: { QH_SCOPES } })`),
 * `stackOptions` sets up the dashboard differently (tests/e2e/stack.ts).
 * A page that breaks the Content-Security-Policy (an inline style or script) fails its test.
 */
export const test = base.extend<{
	stack: Stack;
	stackEnv: Record<string, string>;
	stackOptions: StackOptions;
}>({
	stackEnv: [{}, { option: true }],
	stackOptions: [{}, { option: true }],
	stack: async ({ stackEnv, stackOptions }, use) => {
		const stack = await startStack(stackEnv, stackOptions);
		await use(stack);
		await stack.close();
	},
	baseURL: async ({ stack }, use) => use(stack.dashboardUrl),
	page: async ({ page }, use) => {
		const violations: string[] = [];
		page.on('console', (message) => {
			if (message.text().includes('Content Security Policy')) violations.push(message.text());
		});
		await use(page);
		expect(violations, 'Content-Security-Policy violations').toEqual([]);
	}
});

export { expect } from '@playwright/test';

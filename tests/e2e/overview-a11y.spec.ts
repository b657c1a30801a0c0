import { expectAccessible } from './a11y';
import { test } from './fixtures';

test('the overview and the error page are accessible', async ({ page, stack }) => {
	await page.goto('/');
	await expectAccessible(page);
	await stack.killSyncApi();
	await page.goto('/');
	await expectAccessible(page);
});

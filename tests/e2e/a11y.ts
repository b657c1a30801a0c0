import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';

/** The rules whose outcome depends on colours: all the dark scheme changes. */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Checks the page with axe: no serious or critical violation, every rule in the light scheme
 * and the colour rules again in the dark one.
 */
export async function expectAccessible(page: Page): Promise<void> {
	for (const colorScheme of ['light', 'dark'] as const) {
		await page.emulateMedia({ colorScheme });
		const axe = new AxeBuilder({ page });
		const { violations } = await (
			colorScheme === 'dark' ? axe.withRules(COLOUR_RULES) : axe
		).analyze();
		const serious = violations
			.filter((v) => v.impact === 'serious' || v.impact === 'critical')
			.map(
				(v) =>
					`${colorScheme}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
			);
		expect(serious, 'accessibility violations').toEqual([]);
	}
	await page.emulateMedia({ colorScheme: null });
}

/** Saves a full-page screenshot of the page as a test artifact. */
export async function screenshot(page: Page, name: string, testInfo: TestInfo): Promise<void> {
	await page.screenshot({ path: testInfo.outputPath(`${name}.png`), fullPage: true });
}

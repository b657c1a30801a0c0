import { chromium } from '@playwright/test';
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-background-networking',
		'--disable-component-update',
		'--no-first-run'
	]
});
const [base, out, ...paths] = process.argv.slice(2);
for (const p of paths) {
	const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
	await page.goto(base + p);
	await page.screenshot({
		path: `${out}/${p.replaceAll('/', '_').replaceAll('?', '-') || 'root'}.png`,
		fullPage: true
	});
}
await browser.close();

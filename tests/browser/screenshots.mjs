// screenshots.mjs — writes the dashboard's screenshots for the README into
// docs/screenshots/ at 1280×900, in Debian's headless chromium: overview.png
// (#/), province.png (#/unit/01, Hà Nội) and indicator.png (#/indicator/toan_trinh).
// Run by hand against a server with the demo data (see tests/browser/README.md):
//   BASE=http://127.0.0.1:8080 node tests/browser/screenshots.mjs
// Environment: BASE (required), CHROMIUM (default /usr/bin/chromium),
// OUT (default docs/screenshots under the top of the tree).
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BASE = (process.env.BASE || '').replace(/\/$/, '');
if (!BASE) {
    console.error('screenshots.mjs: set BASE (http://127.0.0.1:PORT)');
    process.exit(2);
}
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const OUT = process.env.OUT || join(ROOT, 'docs', 'screenshots');
mkdirSync(OUT, { recursive: true });

// Each shot: its file, its route, and the element that says the page is drawn.
const SHOTS = [
    ['overview.png', '#/', '[data-testid="card-toan_trinh"] [data-testid="value"]'],
    ['province.png', '#/unit/01', '[data-testid="children-ranking"] tr[data-unit]'],
    ['indicator.png', '#/indicator/toan_trinh', '[data-testid="heatmap"] td[data-unit][data-month]'],
];

const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu',
        '--disable-background-networking', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
let failed = 0;
for (const [file, route, ready] of SHOTS) {
    try {
        await page.goto(`${BASE}/${route}`, { waitUntil: 'load' });
        await page.locator(ready).first().waitFor({ timeout: 15000 });
        await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
        await page.waitForTimeout(500);     // let charts finish their first draw
        await page.screenshot({ path: join(OUT, file) });
        console.log(`wrote ${join(OUT, file)}`);
    } catch (e) {
        failed++;
        console.log(`FAIL ${file} (${route}): ${String(e.message).split('\n')[0]}`);
    }
}
await browser.close();
process.exit(failed ? 1 : 0);

// dashboard.test.mjs — chiso's dashboard in real headless Chromium (Debian's
// /usr/bin/chromium driven by playwright-core), against the running server.
//
// Every test compares what the page shows with what the HTTP API answers on the
// same server, so the numbers are checked, not just the presence of elements.
// The DOM contract (data-testid names, hash routes) is the one in issue #5's
// brief; tests/browser/README.md lists it. Started by run.sh, which makes the
// database and the server; run by hand with
//   BASE=http://127.0.0.1:PORT TOKEN=... node tests/browser/dashboard.test.mjs
// Output: one "ok NAME" or "FAIL NAME: expected ..., got ..." line per test,
// the page weight and first-render figures, and a last "N passed, M failed".
import { chromium } from 'playwright-core';

const BASE = (process.env.BASE || '').replace(/\/$/, '');
const TOKEN = process.env.TOKEN || '';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT = Number(process.env.TIMEOUT_MS || 15000);
if (!BASE) {
    console.error('dashboard.test.mjs: set BASE (http://127.0.0.1:PORT)');
    process.exit(2);
}

// ---- helpers -------------------------------------------------------------

async function api(path, init) {
    const res = await fetch(BASE + path, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}: ${text.slice(0, 200)}`);
    return JSON.parse(text);
}

function check(cond, what) {
    if (!cond) throw new Error(what);
}

function eq(got, want, what) {
    const g = JSON.stringify(got), w = JSON.stringify(want);
    if (g !== w) throw new Error(`${what}: expected ${w}, got ${g}`);
}

// The Vietnamese form of an API value_text ("39.5123") with two decimals: a
// decimal comma, "." between thousands, " %" after. Returns every acceptable
// form: on an exact tie ("x.xx50") the page may round either way (Intl rounds
// the binary double, which can fall just under the tie), so both are allowed.
function viPercent(valueText) {
    if (valueText === null || valueText === undefined) return ['—'];
    const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(String(valueText));
    if (!m) return [String(valueText)];
    const [, sign, int, frac = ''] = m;
    const digits = (frac + '0000').slice(0, 4);
    const cents = BigInt(int) * 100n + BigInt(digits.slice(0, 2));
    const rest = digits.slice(2);
    const forms = new Set();
    const render = (c) => {
        const i = (c / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '.');
        const f = (c % 100n).toString().padStart(2, '0');
        const s = c === 0n ? '' : sign;
        return `${s}${i},${f} %`;
    };
    if (rest > '50') forms.add(render(cents + 1n));
    else if (rest < '50') forms.add(render(cents));
    else { forms.add(render(cents)); forms.add(render(cents + 1n)); }
    return [...forms];
}

// Text with every kind of space (the page may use U+00A0 or U+202F before
// "%") made a plain space.
const norm = (s) => (s || '').replace(/[\s\u00a0\u202f]+/g, ' ').trim();

// Waits for a locator; on a timeout says which element it expected.
async function need(loc) {
    try {
        await loc.waitFor({ timeout: TIMEOUT });
    } catch {
        throw new Error(`expected ${loc} on ${loc.page().url().replace(BASE, '')}, not there after ${TIMEOUT} ms`);
    }
}

// The period the page shows: the period control's value.
async function pagePeriod(page) {
    const el = page.locator('[data-testid="period"]').first();
    await el.waitFor({ state: 'attached', timeout: TIMEOUT }).catch(() => {
        throw new Error(`expected [data-testid="period"] on ${page.url().replace(BASE, '')}`);
    });
    return el.evaluate((e) => e.value || e.getAttribute('data-value') ||
        e.getAttribute('data-period') || e.textContent.trim());
}

// ---- browser, pages and the problem log ----------------------------------

const problems = [];     // console errors, page errors, failed requests
const visited = new Set();
let navCount = 0;        // full document loads of the main frame

const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu',
        '--disable-background-networking', '--disable-dev-shm-usage'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });

function watch(page, name) {
    page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${name}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${name}: page error: ${e.message}`));
    page.on('requestfailed', (r) => {
        const why = r.failure()?.errorText || '';
        // A stream or fetch cut short by leaving the page is not a failure.
        if (why.includes('ERR_ABORTED') && page.isClosed()) return;
        if (why.includes('ERR_ABORTED') && r.url().includes('/api/v1/stream')) return;
        problems.push(`${name}: request failed: ${r.url()} ${why}`);
    });
    page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${name}: HTTP ${r.status()} ${r.url()}`);
    });
    page.on('load', () => { navCount++; });
    page.on('framenavigated', (f) => {
        if (f === page.mainFrame()) visited.add(f.url().replace(BASE, ''));
    });
}

async function open(route, name) {
    const page = await context.newPage();
    watch(page, name);
    await page.goto(BASE + '/' + route, { waitUntil: 'load', timeout: TIMEOUT });
    return page;
}

// ---- the runner ----------------------------------------------------------

const results = [];
async function test(name, fn) {
    try {
        await fn();
        results.push(true);
        console.log(`ok ${name}`);
    } catch (e) {
        results.push(false);
        console.log(`FAIL ${name}: ${String(e.message || e).split('\n')[0]}`);
    }
}

// ---- the tests -----------------------------------------------------------

let page;           // the overview, kept open for the live test
let period;         // the overview's period

await test('overview: toan_trinh card equals the API and is formatted the Vietnamese way', async () => {
    page = await open('#/', 'overview');
    const card = page.locator('[data-testid="card-toan_trinh"]');
    await need(card);
    await page.waitForFunction(() => {
        const c = document.querySelector('[data-testid="card-toan_trinh"]');
        return c && c.hasAttribute('data-value') && c.getAttribute('data-period');
    }, null, { timeout: TIMEOUT });
    period = await card.getAttribute('data-period');
    const got = await card.getAttribute('data-value');
    const v = (await api(`/api/v1/values?indicator=toan_trinh&period=${encodeURIComponent(period)}&unit=VN`)).values[0];
    eq(got, v.value_text ?? '', `data-value for ${period}`);
    const shown = norm(await card.locator('[data-testid="value"]').first().innerText());
    const want = viPercent(v.value_text);
    check(want.includes(shown), `visible value for ${period}: expected ${want.join(' or ')}, got ${JSON.stringify(shown)}`);
    eq(await pagePeriod(page), period, 'period control on the overview');
});

await test('period picker: a quarter shows the quarter\'s value from the API', async () => {
    const p = await open('#/', 'quarter');
    await need(p.locator('[data-testid="card-toan_trinh"] [data-testid="value"]'));
    const box = p.locator('[data-testid="period"]').first();
    await box.fill('2025Q4');
    await box.press('Enter');
    await p.waitForFunction(() => document.querySelector('[data-testid="card-toan_trinh"]')
        ?.getAttribute('data-period') === '2025Q4', null, { timeout: TIMEOUT });
    const card = p.locator('[data-testid="card-toan_trinh"]');
    const v = (await api('/api/v1/values?indicator=toan_trinh&period=2025Q4&unit=VN')).values[0];
    eq(await card.getAttribute('data-value'), v.value_text ?? '', 'data-value for 2025Q4');
    const shown = norm(await card.locator('[data-testid="value"]').first().innerText());
    const want = viPercent(v.value_text);
    check(want.includes(shown), `visible value for 2025Q4: expected ${want.join(' or ')}, got ${JSON.stringify(shown)}`);
    await p.close();
});

await test('live: posting records changes the toan_trinh card without a reload', async () => {
    check(page && period, 'the overview did not open');
    check(TOKEN, 'no TOKEN (run.sh creates one)');
    await need(page.locator('[data-testid="live"][data-state="live"]'));
    const card = page.locator('[data-testid="card-toan_trinh"]');
    const before = await card.getAttribute('data-value');
    const lastBefore = norm(await page.locator('[data-testid="last-change"]').first().innerText());
    await page.evaluate(() => { window.__chisoMarker = 1; });
    const loads = navCount;

    // Full-process online records (SPEC §4: KenhThucHien 2, MucDo 4) received
    // in the card's period at a commune of Hà Nội, with fresh MaHoSo values.
    const commune = (await api('/api/v1/units/01')).children[0];
    const m = /^(\d{4})-(\d{2})/.exec(period);
    check(m, `card period ${period} is not a month`);
    const day = `${m[1]}${m[2]}10`;
    const tag = `BT-${Date.now()}-${process.pid}`;
    const lines = [];
    for (let i = 0; i < 40; i++) {
        lines.push(JSON.stringify({
            MaHoSo: `${tag}-${i}`, MaDonVi: commune, MaTTHC: '1.001311',
            KenhThucHien: 2, MucDo: 4, TrangThaiHoSo: 2,
            NgayNopHoSo: `${day}100000`, NgayTiepNhan: `${day}101000`,
            NgayHenTra: `${m[1]}${m[2]}20101000`,
            HoSoCoThanhPhanSoHoa: '1', TaiKhoanDuocXacThucVoiVNeID: '1',
            DuocThanhToanTrucTuyen: 0, DanhSachLePhi: [],
            DinhDanhCHS: [{ LoaiDinhDanh: 1, SoDinhDanh: '027007755442' }],
            NgayCapNhat: `${day}101500`,
        }));
    }
    const load = await api('/api/v1/dossiers', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-ndjson', Authorization: `Bearer ${TOKEN}` },
        body: lines.join('\n') + '\n',
    });
    eq(load.accepted, lines.length, 'records accepted by POST /api/v1/dossiers');
    const after = (await api(`/api/v1/values?indicator=toan_trinh&period=${encodeURIComponent(period)}&unit=VN`)).values[0].value_text;
    check(after !== before, `the API value did not change (${before})`);
    try {
        await page.waitForFunction((want) =>
            document.querySelector('[data-testid="card-toan_trinh"]')?.getAttribute('data-value') === want,
            after, { timeout: TIMEOUT });
    } catch {
        throw new Error(`card data-value: expected ${after} (was ${before}), got ${await card.getAttribute('data-value')}`);
    }
    const shown = norm(await card.locator('[data-testid="value"]').first().innerText());
    check(viPercent(after).includes(shown), `visible value after the post: expected ${viPercent(after).join(' or ')}, got ${shown}`);
    eq(navCount, loads, 'page loads during the live update');
    eq(await page.evaluate(() => window.__chisoMarker), 1, 'window state kept (no reload)');
    const lastAfter = norm(await page.locator('[data-testid="last-change"]').first().innerText());
    check(lastAfter !== '' && lastAfter !== lastBefore,
        `last-change: expected a new time, got ${JSON.stringify(lastAfter)} (was ${JSON.stringify(lastBefore)})`);
});

await test('language switch changes html[lang] and the labels', async () => {
    check(page, 'the overview did not open');
    const lang0 = await page.getAttribute('html', 'lang');
    check(lang0 === 'vi', `default html[lang]: expected "vi", got ${JSON.stringify(lang0)}`);
    // The card's words, without its value and numbers (the live test moved
    // them); the page may redraw the card on a
    // switch, so this waits for it to be back.
    const label = async () => (await page.waitForFunction(() => {
        const card = document.querySelector('[data-testid="card-toan_trinh"]');
        if (!card) return null;
        const c = card.cloneNode(true);
        c.querySelectorAll('[data-testid="value"]').forEach((v) => v.remove());
        return c.textContent;
    }, null, { timeout: TIMEOUT })).jsonValue().then((t) => words(t));
    const body0 = await page.locator('body').innerText();
    const words = (t) => norm(t.replace(/[-+−\d.,%]+/g, ' '));
    const label0 = await label();
    await page.locator('[data-testid="lang-switch"]').first().click();
    await page.waitForFunction(() => document.documentElement.lang === 'en', null, { timeout: TIMEOUT });
    const label1 = await label();
    check(label1 !== label0, `toan_trinh card label unchanged by the switch: ${JSON.stringify(label0)}`);
    check((await page.locator('body').innerText()) !== body0, 'page text unchanged by the switch');
    await page.locator('[data-testid="lang-switch"]').first().click();
    await page.waitForFunction(() => document.documentElement.lang === 'vi', null, { timeout: TIMEOUT });
    eq(await label(), label0, 'card label after switching back to vi');
});

await test('keyboard: Tab reaches the language switch and Enter toggles it', async () => {
    const p = await open('#/', 'keyboard');
    await need(p.locator('[data-testid="lang-switch"]').first());
    const lang0 = await p.getAttribute('html', 'lang');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
        await p.keyboard.press('Tab');
        reached = await p.evaluate(() =>
            !!document.activeElement?.closest('[data-testid="lang-switch"]'));
    }
    check(reached, 'lang-switch not reached in 60 presses of Tab');
    await p.keyboard.press('Enter');
    const want = lang0 === 'vi' ? 'en' : 'vi';
    try {
        await p.waitForFunction((w) => document.documentElement.lang === w, want, { timeout: TIMEOUT });
    } catch {
        throw new Error(`html[lang] after Enter: expected ${want}, got ${await p.getAttribute('html', 'lang')}`);
    }
    await p.close();
});

await test('rankings: rows equal /api/v1/rankings; a province opens its page with its communes', async () => {
    const p = await open('#/rankings?indicator=toan_trinh&level=province', 'rankings');
    const table = p.locator('[data-testid="ranking"]').first();
    await need(table.locator('tr[data-unit]').first());
    const per = await pagePeriod(p);
    const want = (await api(`/api/v1/rankings?indicator=toan_trinh&period=${encodeURIComponent(per)}&level=province`)).ranking;
    await p.waitForFunction((n) =>
        document.querySelectorAll('[data-testid="ranking"] tr[data-unit]').length === n,
        want.length, { timeout: TIMEOUT }).catch(() => {});
    const rows = await table.locator('tr[data-unit]').evaluateAll((trs) => trs.map((tr) => ({
        unit: tr.getAttribute('data-unit'),
        rank: tr.querySelector('td[data-col="rank"]')?.innerText.trim(),
        value: tr.querySelector('td[data-col="value"]')?.innerText,
    })));
    eq(rows.map((r) => r.unit), want.map((r) => r.unit), `units in order for ${per}`);
    eq(rows.map((r) => Number(r.rank)), want.map((r) => r.rank), `ranks for ${per}`);
    rows.forEach((r, i) => {
        const forms = viPercent(want[i].value_text);
        check(forms.includes(norm(r.value)),
            `value of ${r.unit}: expected ${forms.join(' or ')}, got ${JSON.stringify(norm(r.value))}`);
    });

    // Open the first province with communes (a ranking row's link).
    const code = want[0].unit;
    const unit = await api(`/api/v1/units/${encodeURIComponent(code)}`);
    const loads = navCount;
    await table.locator(`tr[data-unit="${code}"] a[data-testid="unit-link"]`).first().click();
    await need(p.locator(`[data-testid="unit-page"][data-unit="${code}"]`));
    check(p.url().includes(`#/unit/${code}`), `URL after the click: expected #/unit/${code}, got ${p.url()}`);
    const kids = p.locator('[data-testid="children-ranking"] tr[data-unit]');
    await need(kids.first());
    await p.waitForFunction((n) =>
        document.querySelectorAll('[data-testid="children-ranking"] tr[data-unit]').length >= n,
        unit.children.length, { timeout: TIMEOUT }).catch(() => {});
    const shown = await kids.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit')));
    eq([...shown].sort(), [...unit.children].sort(), `communes of ${code}`);
    const crumb = norm(await p.locator('[data-testid="breadcrumb"]').first().innerText());
    check(crumb.includes(unit.short_name || unit.name) || crumb.includes(unit.name),
        `breadcrumb: expected it to name ${unit.name}, got ${JSON.stringify(crumb)}`);
    eq(navCount, loads, 'page loads when opening the province (hash route)');
    await p.close();
});

await test('unit page of 01 lists the communes of Hà Nội with a breadcrumb', async () => {
    const p = await open('#/unit/01', 'province');
    const unit = await api('/api/v1/units/01');
    await need(p.locator('[data-testid="unit-page"][data-unit="01"]'));
    await p.waitForFunction((n) =>
        document.querySelectorAll('[data-testid="children-ranking"] tr[data-unit]').length >= n,
        unit.children.length, { timeout: TIMEOUT }).catch(() => {});
    const shown = await p.locator('[data-testid="children-ranking"] tr[data-unit]')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-unit')));
    eq([...shown].sort(), [...unit.children].sort(), 'communes of 01');
    const links = await p.locator('[data-testid="breadcrumb"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(links.some((h) => h === '#/' || h === '#' || h === '/' || /#\/unit\/VN$/.test(h || '')),
        `breadcrumb: expected a link back to the country, got ${JSON.stringify(links)}`);
    await p.close();
});

await test('indicator page: the distribution counts every ranked province once', async () => {
    const p = await open('#/indicator/toan_trinh', 'distribution');
    await need(p.locator('[data-testid="distribution"] .bar').first());
    const counts = await p.locator('[data-testid="distribution"] .bar').evaluateAll((bs) =>
        bs.map((b) => Number(b.getAttribute('data-count'))));
    const r = await api(`/api/v1/rankings?indicator=toan_trinh&period=${encodeURIComponent(await pagePeriod(p))}&level=province`);
    const ranked = r.ranking.filter((e) => e.value != null).length;
    eq(counts.length, 10, 'bars in the distribution');
    eq(counts.reduce((a, b) => a + b, 0), ranked, 'provinces counted by the distribution');
    await p.close();
});

await test('indicator page: heatmap of provinces × months', async () => {
    const p = await open('#/indicator/toan_trinh', 'indicator');
    await need(p.locator('[data-testid="indicator-page"][data-indicator="toan_trinh"]'));
    await need(p.locator('[data-testid="heatmap"] td[data-unit][data-month]').first());
    const cells = await p.locator('[data-testid="heatmap"] td[data-unit][data-month]')
        .evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-unit'), td.getAttribute('data-month')]));
    const per = await pagePeriod(p);
    const provinces = (await api(`/api/v1/rankings?indicator=toan_trinh&period=${encodeURIComponent(per)}&level=province`)).ranking.map((r) => r.unit);
    const units = new Set(cells.map((c) => c[0]));
    const months = new Set(cells.map((c) => c[1]));
    check(provinces.every((u) => units.has(u)), `heatmap rows: expected every ranked province (${provinces.length}), got ${units.size}`);
    check([...months].every((mo) => /^\d{4}-\d{2}$/.test(mo)), `heatmap months: ${[...months].slice(0, 3).join(', ')}…`);
    check(months.size >= 2, `heatmap months: expected several, got ${months.size}`);
    await p.close();
});

await test('search finds unit 01 for "Hà Nội", "ha noi" and "01"', async () => {
    const p = await open('#/', 'search');
    const box = p.locator('input[data-testid="search"]').first();
    await need(box);
    for (const q of ['Hà Nội', 'ha noi', '01']) {
        await box.fill('');
        await box.fill(q);
        try {
            await p.waitForFunction(() => [...document.querySelectorAll('[data-testid="search-result"]')].some((r) => {
                const h = r.getAttribute('href') || r.querySelector('a')?.getAttribute('href') || '';
                return /#\/unit\/01$/.test(h);
            }), null, { timeout: TIMEOUT });
        } catch {
            const got = await p.locator('[data-testid="search-result"]').evaluateAll((rs) =>
                rs.map((r) => r.getAttribute('href') || r.querySelector('a')?.getAttribute('href')));
            throw new Error(`search ${JSON.stringify(q)}: expected a result linking to #/unit/01, got ${JSON.stringify(got.slice(0, 5))}`);
        }
    }
    const first = p.locator('[data-testid="search-result"]').filter({
        has: p.locator('[href$="#/unit/01"]'),
    }).or(p.locator('[data-testid="search-result"][href$="#/unit/01"]')).first();
    await first.click();
    await need(p.locator('[data-testid="unit-page"][data-unit="01"]'));
    await p.close();
});

// ---- page weight and time to first render --------------------------------

// A fresh context (empty cache): bytes on the wire for / and /assets/ (the
// API's JSON counted apart), and navigation start → the toan_trinh card's value
// in the DOM, timed in the page by a MutationObserver.
async function measure() {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    watch(p, 'measure');
    await p.addInitScript(() => {
        const seen = () => {
            const v = document.querySelector('[data-testid="card-toan_trinh"] [data-testid="value"]');
            return v && v.textContent.trim() !== '';
        };
        new MutationObserver((_, obs) => {
            if (seen()) { window.__chisoFirstCard = performance.now(); obs.disconnect(); }
        }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    const reqs = [];
    p.on('requestfinished', (r) => reqs.push(r));
    await p.goto(BASE + '/#/', { waitUntil: 'load', timeout: TIMEOUT });
    await p.waitForFunction(() => window.__chisoFirstCard !== undefined, null, { timeout: TIMEOUT });
    await p.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {});
    const firstCard = await p.evaluate(() => window.__chisoFirstCard);
    let shell = 0, apiBytes = 0, files = 0;
    for (const r of reqs) {
        const s = await r.sizes().catch(() => null);
        if (!s) continue;
        const bytes = s.responseBodySize + s.responseHeadersSize;
        const path = new URL(r.url()).pathname;
        if (path.startsWith('/api/')) apiBytes += bytes;
        else { shell += bytes; files++; }
    }
    await ctx.close();
    return { shell, files, apiBytes, firstCard };
}

await test('page weight and time to first render measured', async () => {
    const m = await measure();
    console.log(`page weight: ${(m.shell / 1024).toFixed(1)} KB transferred for / and its assets (${m.files} files), ` +
        `+ ${(m.apiBytes / 1024).toFixed(1)} KB of API JSON on first load`);
    console.log(`time to first render: ${m.firstCard.toFixed(0)} ms (navigation start → toan_trinh card value shown)`);
    check(m.files >= 1 && m.shell > 0, 'nothing transferred for /');
});

await test('no console errors or failed requests on any page visited', async () => {
    check(visited.size > 0, 'no page visited');
    if (problems.length) throw new Error(`${problems.length} problem(s): ${problems.slice(0, 3).join(' | ')}`);
});

if (page) await page.close();
await browser.close();
const pass = results.filter(Boolean).length;
console.log(`${pass} passed, ${results.length - pass} failed`);
process.exit(results.length - pass ? 1 : 0);

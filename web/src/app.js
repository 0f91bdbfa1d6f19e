// app.js — the chiso dashboard: hash routes over the JSON API, no bundler.
//   #/                      overview: headline cards, totals of the month
//   #/rankings?indicator=&level=   provinces or ministries by an indicator
//   #/unit/<code>           a unit's indicators over 12 months, its communes
//   #/indicator/<code>      ranking and a provinces × months heatmap
// uPlot comes as a classic script (window.uPlot) before this module.
import { t, getLang, setLang, fmtNum, fmtValue, fold } from './i18n.js';

const API = '/api/v1';
// The indicators shown on the overview and unit pages (SPEC §5's headline
// set); the others are reachable from the rankings' indicator picker.
const HEADLINE = ['toan_trinh', 'truc_tuyen', 'dung_han', 'dinh_danh',
  'thanh_toan_tt', 'tg_xu_ly'];

const state = {
  period: null,           // "2025-06"
  indicators: [],         // catalogue, from /indicators
  units: new Map(),       // code -> unit (national, provinces, ministries)
  unitList: [],           // for the search, with folded names
  es: null, esKey: '',
  charts: [],
};

const $ = (sel, root = document) => root.querySelector(sel);
const main = () => $('#main');

function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') el.textContent = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

// --- the API ----------------------------------------------------------------

class NeedToken extends Error {}

async function api(path) {
  const headers = {};
  const token = localStorage.getItem('chiso.token');
  if (token) headers.Authorization = 'Bearer ' + token;
  const resp = await fetch(API + path, { headers });
  if (resp.status === 401) throw new NeedToken();
  const body = await resp.json();
  if (!resp.ok) throw new Error(body.error ? body.error.message : resp.statusText);
  return body;
}

const qs = (o) => '?' + new URLSearchParams(Object.entries(o).filter(([, v]) => v != null));

// Runs fn over items, at most n at a time (the browser has 6 connections).
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

// --- periods ----------------------------------------------------------------

function monthOf(d) { return d.toISOString().slice(0, 7); }
function addMonths(p, k) {
  const [y, m] = p.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + k, 1));
  return monthOf(d);
}
// The 12 months ending with p, oldest first.
function last12(p) { return Array.from({ length: 12 }, (_, i) => addMonths(p, i - 11)); }

// Periods as the API takes them: a month 2025-06, a quarter 2025Q2, a year
// 2025, a range of days 2025-01-01..2025-06-30.
const PERIOD = /^\d{4}(-(0[1-9]|1[0-2])|Q[1-4])?$|^\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2}$/;
function isMonth(p) { return /^\d{4}-\d{2}$/.test(p); }
// The month a period ends in: trends are the 12 months up to it.
function endMonth(p) {
  let m;
  if (isMonth(p)) return p;
  if ((m = /^(\d{4})Q([1-4])$/.exec(p))) return m[1] + '-' + String(m[2] * 3).padStart(2, '0');
  if (/^\d{4}$/.test(p)) return p + '-12';
  if ((m = /\.\.(\d{4}-\d{2})-\d{2}$/.exec(p))) return m[1];
  return p;
}
// The period of the same kind just before p; null for a range.
function prevPeriod(p) {
  let m;
  if (isMonth(p)) return addMonths(p, -1);
  if ((m = /^(\d{4})Q([1-4])$/.exec(p)))
    return m[2] === '1' ? (Number(m[1]) - 1) + 'Q4' : m[1] + 'Q' + (Number(m[2]) - 1);
  if (/^\d{4}$/.test(p)) return String(Number(p) - 1);
  return null;
}

// Each indicator's values over the months (consecutive, oldest first) for a
// unit, one /series request per indicator, flattened indicator by indicator.
async function monthly(inds, unit, months) {
  const rs = await pool(inds, 6, (ind) => api('/series' + qs({ indicator: ind.code,
    unit, to: months[months.length - 1], months: months.length })));
  return rs.flatMap((r) => r.values);
}

// The latest month with records: from the last day with data (/span; a
// completion can be dated after the last reception), back month by month
// until the national `received` is above 0 (at most 3 years).
async function latestMonth() {
  const span = await api('/span');
  let p = span.last ? span.last.slice(0, 7) : monthOf(new Date());
  for (let i = 0; i < 36; i++, p = addMonths(p, -1)) {
    const m = await api('/measures' + qs({ period: p }));
    if (m.measures && m.measures.received > 0) return p;
  }
  return monthOf(new Date());
}

// --- helpers ----------------------------------------------------------------

function indicator(code) { return state.indicators.find((i) => i.code === code); }
function indName(ind) { return getLang() === 'en' ? ind.name_en : ind.name_vi; }
function unitName(code) {
  const u = state.units.get(code);
  if (code === 'VN') return t('home');
  return u ? u.name : code;
}
function fmtInd(v, ind) { return fmtValue(v, ind ? ind.unit : ''); }

function nowTime() {
  return new Date().toLocaleTimeString(getLang() === 'en' ? 'en-GB' : 'vi-VN');
}

function destroyCharts() {
  for (const c of state.charts) c.destroy();
  state.charts = [];
}

function chart(el, months, values, ind, height = 120) {
  if (!window.uPlot) return;
  const xs = months.map((m) => Date.UTC(+m.slice(0, 4), +m.slice(5, 7) - 1, 1) / 1000);
  const target = values.map(() => null);
  const width = Math.max(200, el.clientWidth || 280);
  const series = [{}, { label: ind.code, stroke: '#b3261e', width: 2,
    value: (u, v) => fmtInd(v, ind) }];
  const data = [xs, values.map((v) => (v == null ? null : v))];
  const tgt = ind.targets && ind.targets.length ? ind.targets[0].value : null;
  if (tgt != null) {
    series.push({ label: t('target'), stroke: '#1e7b34', dash: [4, 4], width: 1 });
    data.push(target.map(() => tgt));
  }
  const spark = height < 80; // a sparkline in a table row: no axes
  const u = new window.uPlot({ width, height, series, legend: { show: false },
    cursor: { show: !spark },
    axes: spark ? [{ show: false }, { show: false }] : [{ values: (u2, vals) => vals.map((v) => { const d = new Date(v * 1000);
      return (d.getUTCMonth() + 1) + '/' + String(d.getUTCFullYear()).slice(2); }) },
    { values: (u2, vals) => vals.map((v) => fmtNum(v, 0)), size: 40 }],
    scales: { x: { time: true } } }, data, el);
  state.charts.push(u);
}

function errorBox(err) {
  if (err instanceof NeedToken) return tokenForm();
  return h('p', { class: 'notmet', role: 'alert', text: t('error') + ': ' + err.message });
}

// Asked for when the server is not --public-read: the token is kept in
// localStorage and sent as a Bearer header.
function tokenForm() {
  const input = h('input', { type: 'password', id: 'token', autocomplete: 'off' });
  return h('form', { class: 'token', onsubmit: (e) => {
    e.preventDefault();
    localStorage.setItem('chiso.token', input.value.trim());
    location.reload();
  } }, h('label', { for: 'token', text: t('token') }), ' ', input, ' ',
  h('button', { type: 'submit', text: t('save') }));
}

// --- live -------------------------------------------------------------------

// One EventSource for the page shown, filtered on what it shows. Each event
// updates the elements that carry its unit, indicator and period.
function live(filter) {
  const key = JSON.stringify(filter);
  if (state.es && state.esKey === key) return;
  if (state.es) state.es.close();
  state.esKey = key;
  const es = new EventSource(API + '/stream' + qs(filter));
  state.es = es;
  const marker = $('[data-testid="live"]');
  const setState = (s) => {
    marker.dataset.state = s;
    $('#live-label').dataset.i18n = s === 'live' ? 'live' : 'offline';
    $('#live-label').textContent = t(s === 'live' ? 'live' : 'offline');
  };
  es.onopen = () => setState('live');
  es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
  es.addEventListener('value', (e) => {
    let v;
    try { v = JSON.parse(e.data); } catch { return; }
    $('[data-testid="last-change"]').textContent = nowTime();
    applyEvent(v);
  });
}

function applyEvent(v) {
  const ind = indicator(v.indicator);
  if (v.period !== state.period) return;
  // Overview card of the nation.
  if (v.unit === 'VN') {
    const card = $(`[data-testid="card-${v.indicator}"]`);
    if (card) {
      card.dataset.value = v.value_text ?? '';
      const el = $('[data-testid="value"]', card);
      el.textContent = fmtInd(v.value, ind);
      flash(el);
    }
  }
  // Any cell showing this unit × indicator × period.
  for (const el of document.querySelectorAll(
    `[data-live-unit="${CSS.escape(v.unit)}"][data-live-indicator="${CSS.escape(v.indicator)}"][data-live-period="${v.period}"]`)) {
    el.textContent = fmtInd(v.value, ind);
    flash(el);
  }
}

function flash(el) {
  el.classList.remove('flash');
  void el.offsetWidth;
  el.classList.add('flash');
}

// --- pages ------------------------------------------------------------------

async function overview(root) {
  live({ unit: 'VN' });
  const months = last12(endMonth(state.period));
  const [m] = await Promise.all([api('/measures' + qs({ period: state.period }))]);
  root.append(h('h1', { text: t('overview') + ' — ' + state.period }));
  root.append(h('div', { class: 'totals' },
    h('div', {}, t('received') + ' (' + state.period + ')',
      h('b', { 'data-testid': 'total-received', text: fmtNum(m.measures.received) })),
    h('div', {}, t('fees') + ' (' + state.period + ')',
      h('b', { 'data-testid': 'total-fees', text: fmtNum(m.measures.fee_vnd) + ' ₫' }))));
  const cards = h('div', { class: 'cards' });
  root.append(cards);
  const inds = HEADLINE.map(indicator).filter(Boolean);
  const series = await monthly(inds, 'VN', months);
  // A month is the last point of its trend; another period is asked for
  // itself and for the one before it.
  const prev = prevPeriod(state.period);
  const own = isMonth(state.period) ? [] : await pool(inds.flatMap((ind) =>
    [[ind, state.period], [ind, prev]]), 6, async ([ind, p]) => p == null ? null
    : (await api('/values' + qs({ indicator: ind.code, period: p, unit: 'VN' }))).values[0] || null);
  inds.forEach((ind, k) => {
    const vals = series.slice(k * 12, k * 12 + 12);
    const cur = own.length ? own[2 * k] : vals[11];
    const before = own.length ? own[2 * k + 1] : vals[10];
    const curV = cur ? cur.value : null;
    const delta = curV != null && before && before.value != null ? curV - before.value : null;
    const better = delta == null ? null : (ind.lower_is_better ? delta < 0 : delta > 0);
    const plot = h('div', { class: 'plot' });
    const card = h('article', { class: 'card', 'data-testid': 'card-' + ind.code,
      'data-value': cur && cur.value_text != null ? cur.value_text : '',
      'data-period': state.period },
    h('h2', {}, h('a', { href: '#/indicator/' + ind.code, text: indName(ind) })),
    h('div', { class: 'big', 'data-testid': 'value', text: fmtInd(curV, ind) }),
    h('div', { class: 'meta' },
      cur && cur.target != null
        ? h('span', { class: cur.target_met ? 'met' : 'notmet' },
          t('target') + ': ' + fmtInd(cur.target, ind) + ' — ' + t(cur.target_met ? 'met' : 'notMet'))
        : null),
    h('div', { class: 'meta' }, t('change') + ': ',
      delta == null ? '—' : h('span', { class: (delta >= 0 ? 'up ' : 'down ') + (better ? 'met' : 'notmet'),
        text: (delta >= 0 ? '+' : '') + fmtNum(delta, 2) })),
    plot,
    h('a', { href: qsHash('#/rankings', { indicator: ind.code, level: 'province' }), text: t('rankings') }));
    cards.append(card);
    chart(plot, months, vals.map((v) => (v ? v.value : null)), ind);
  });
  void prev;
}

function qsHash(base, o) { return base + qs(o); }

function indicatorSelect(current, onchange) {
  return h('select', { 'data-testid': 'indicator-select', 'aria-label': t('indicator'),
    onchange: (e) => onchange(e.target.value) },
  state.indicators.map((ind) => h('option', { value: ind.code, selected: ind.code === current ? '' : null,
    text: indName(ind) })));
}

// A sortable ranking table: rows tr[data-unit], cells td[data-col].
function rankingTable(rows, ind, testid, spark = null) {
  let key = 'rank', dir = 1;
  const tbody = h('tbody');
  const fill = () => {
    const sorted = [...rows].sort((a, b) => {
      const va = key === 'unit' ? unitName(a.unit) : a[key === 'value' ? 'value' : 'rank'];
      const vb = key === 'unit' ? unitName(b.unit) : b[key === 'value' ? 'value' : 'rank'];
      if (va == null) return 1;
      if (vb == null) return -1;
      return (typeof va === 'string' ? va.localeCompare(vb, 'vi') : va - vb) * dir;
    });
    tbody.replaceChildren(...sorted.map((r) => h('tr', { 'data-unit': r.unit,
      onclick: (e) => { if (e.target.tagName !== 'A') location.hash = '#/unit/' + r.unit; } },
    h('td', { 'data-col': 'rank', text: r.rank ?? '' }),
    h('td', { 'data-col': 'unit' }, h('a', { href: '#/unit/' + r.unit, 'data-testid': 'unit-link',
      text: unitName(r.unit) })),
    h('td', { 'data-col': 'value', 'data-live-unit': r.unit, 'data-live-indicator': ind.code,
      'data-live-period': state.period, text: fmtInd(r.value, ind) }),
    h('td', { 'data-col': 'parts', class: 'num muted',
      text: r.numerator == null || r.denominator == null ? ''
        : fmtNum(r.numerator) + ' / ' + fmtNum(r.denominator) }),
    h('td', { 'data-col': 'target', class: r.target_met ? 'met' : 'notmet',
      text: r.target == null ? '' : fmtInd(r.target, ind) + (r.target_met == null ? ''
        : ' — ' + t(r.target_met ? 'met' : 'notMet')) }),
    spark ? sparkCell(spark, r.unit, ind) : null)));
  };
  const th = (k, label, cls) => h('th', { class: cls, scope: 'col' }, h('button', { type: 'button',
    onclick: () => { dir = key === k ? -dir : 1; key = k; fill(); } }, label));
  fill();
  return h('div', { class: 'scroll' }, h('table', { 'data-testid': testid },
    h('thead', {}, h('tr', {}, th('rank', t('rank'), 'num'), th('unit', t('unit')),
      th('value', t('value'), 'num'), h('th', { class: 'num', text: t('parts') }),
      h('th', { class: 'num', text: t('target') }),
      spark ? h('th', { text: t('months12') }) : null)), tbody));
}

// A row's 12-month sparkline (drawn once the cell is in the page).
function sparkCell(spark, unit, ind) {
  const td = h('td', { class: 'spark', 'data-col': 'trend' });
  const values = spark.trends.get(unit);
  if (values) queueMicrotask(() => chart(td, spark.months, values, ind, 30));
  return td;
}

// Communes are not in state.units: their names come with the ranking.
async function loadNames(level, within) {
  const r = await api('/units' + qs({ level, within }));
  for (const u of r.units) if (!state.units.has(u.code)) state.units.set(u.code, u);
}

async function rankings(root, params) {
  const code = params.get('indicator') || 'toan_trinh';
  const level = params.get('level') === 'ministry' ? 'ministry' : 'province';
  const ind = indicator(code);
  if (!ind) throw new Error(code);
  live({ indicator: code });
  const go = (c, l) => { location.hash = qsHash('#/rankings', { indicator: c, level: l }); };
  root.append(h('h1', { text: t('rankings') + ' — ' + indName(ind) + ' — ' + state.period }));
  root.append(h('div', { class: 'controls' },
    h('label', {}, t('indicator') + ' ', indicatorSelect(code, (c) => go(c, level))),
    h('label', {}, t('level') + ' ', h('select', { 'data-testid': 'level-select',
      onchange: (e) => go(code, e.target.value) },
    ['province', 'ministry'].map((l) => h('option', { value: l, selected: l === level ? '' : null, text: t(l) }))))));
  const r = await api('/rankings' + qs({ indicator: code, period: state.period, level }));
  // A 12-month sparkline per unit: one /series request each.
  const months = last12(endMonth(state.period));
  const series = await pool(r.ranking, 6, (e) => api('/series' + qs({ indicator: code,
    unit: e.unit, to: months[11], months: 12 })));
  const trends = new Map(series.map((s2) => [s2.unit, s2.values.map((v) => v.value)]));
  root.append(r.ranking.length ? rankingTable(r.ranking, ind, 'ranking', { months, trends })
    : h('p', { class: 'muted', text: t('noData') }));
}

async function unitPage(root, code) {
  const u = await api('/units/' + encodeURIComponent(code));
  state.units.set(u.code, u);
  live({ unit: u.code });
  const page = h('section', { 'data-testid': 'unit-page', 'data-unit': u.code });
  root.append(page);
  // Breadcrumb: Việt Nam › province › commune.
  const chain = [];
  for (let p = u.parent; p && p !== 'VN';) {
    const pu = state.units.get(p) || await api('/units/' + encodeURIComponent(p));
    chain.unshift(pu);
    p = pu.parent;
  }
  page.append(h('nav', { class: 'breadcrumb', 'data-testid': 'breadcrumb', 'aria-label': 'breadcrumb' },
    h('a', { href: '#/', text: t('home') }),
    chain.map((c) => h('a', { href: '#/unit/' + c.code, text: c.name })),
    h('span', { text: u.name })));
  page.append(h('h1', { text: u.name + ' (' + u.code + ')' }));
  const months = last12(endMonth(state.period));
  const inds = HEADLINE.map(indicator).filter(Boolean);
  const vals = await monthly(inds, u.code, months);
  page.append(h('h2', { text: t('months12') }));
  page.append(h('div', { class: 'scroll' }, h('table', { 'data-testid': 'unit-indicators' },
    h('thead', {}, h('tr', {}, h('th', { text: t('indicator') }),
      months.map((m) => h('th', { class: 'num', text: m })), h('th', { text: '' }))),
    h('tbody', {}, inds.map((ind, k) => {
      const row = vals.slice(k * 12, k * 12 + 12);
      const plot = h('td', { class: 'spark' });
      const tr = h('tr', { 'data-indicator': ind.code },
        h('th', { scope: 'row' }, h('a', { href: '#/indicator/' + ind.code, text: indName(ind) })),
        row.map((v, i) => h('td', { class: 'num', 'data-month': months[i], 'data-live-unit': u.code,
          'data-live-indicator': ind.code, 'data-live-period': months[i],
          text: fmtInd(v ? v.value : null, ind) })), plot);
      queueMicrotask(() => chart(plot, months, row.map((v) => (v ? v.value : null)), ind, 60));
      return tr;
    })))));
  if (u.level === 'province') {
    const code0 = 'toan_trinh';
    const ind = indicator(code0);
    await loadNames('commune', u.code);
    const r = await api('/rankings' + qs({ indicator: code0, period: state.period, level: 'commune', within: u.code }));
    page.append(h('h2', { text: t('children') + ' — ' + indName(ind) }));
    page.append(r.ranking.length ? rankingTable(r.ranking, ind, 'children-ranking')
      : h('p', { class: 'muted', text: t('noData') }));
  }
}

function heatColour(v, ind) {
  if (v == null) return '#eee';
  const tgt = ind.targets && ind.targets.length ? ind.targets[0].value : 100;
  let x = Math.max(0, Math.min(1, v / (tgt || 1)));
  if (ind.lower_is_better) x = 1 - x;
  return `hsl(${Math.round(x * 120)}, 65%, ${Math.round(80 - x * 15)}%)`;
}

// How the provinces' values spread: ten equal bins from the lowest to the
// highest value, a bar per bin with its count.
function distribution(values, ind) {
  const box = h('div', { 'data-testid': 'distribution', class: 'dist' },
    h('h2', { text: t('distribution') }));
  if (!values.length) return box;
  const lo = Math.min(...values), hi = Math.max(...values);
  const width = (hi - lo) / 10 || 1;
  const counts = new Array(10).fill(0);
  for (const v of values) counts[Math.min(9, Math.floor((v - lo) / width))]++;
  const most = Math.max(...counts);
  box.append(h('div', { class: 'bars', role: 'list' }, counts.map((n, i) => h('div', {
    class: 'bar', role: 'listitem', 'data-count': n,
    title: fmtInd(lo + i * width, ind) + ' – ' + fmtInd(lo + (i + 1) * width, ind) + ': ' + n },
  h('span', { class: 'fill', style: 'height:' + Math.round(100 * n / most) + '%' }),
  h('span', { class: 'n', text: String(n) }),
  h('span', { class: 'from', text: fmtNum(lo + i * width, 0) })))));
  return box;
}

async function indicatorPage(root, code) {
  const ind = indicator(code);
  if (!ind) throw new Error(code);
  live({ indicator: code });
  const page = h('section', { 'data-testid': 'indicator-page', 'data-indicator': code });
  root.append(page);
  page.append(h('h1', { text: indName(ind) }));
  page.append(h('p', { class: 'muted', text: ind.formula + (ind.unit ? ' (' + ind.unit + ')' : '') }));
  const months = last12(endMonth(state.period));
  const [r, ...cols] = await Promise.all([
    api('/rankings' + qs({ indicator: code, period: state.period, level: 'province' })),
    ...months.map((p) => api('/values' + qs({ indicator: code, period: p, level: 'province' })))]);
  page.append(h('h2', { text: t('rankings') + ' — ' + state.period }));
  page.append(rankingTable(r.ranking, ind, 'ranking'));
  page.append(distribution(r.ranking.map((e) => e.value).filter((v) => v != null), ind));
  page.append(h('h2', { text: t('heatmap') }));
  const byUnit = new Map();
  cols.forEach((c, i) => { for (const v of c.values) {
    if (!byUnit.has(v.unit)) byUnit.set(v.unit, []);
    byUnit.get(v.unit)[i] = v;
  } });
  const provinces = [...state.units.values()].filter((u) => u.level === 'province');
  page.append(h('div', { class: 'scroll' }, h('table', { class: 'heat', 'data-testid': 'heatmap' },
    h('thead', {}, h('tr', {}, h('th', { text: t('unit') }), months.map((m) => h('th', { text: m.slice(2) })))),
    h('tbody', {}, provinces.map((p) => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: '#/unit/' + p.code, text: p.short_name || p.name })),
      months.map((m, i) => {
        const v = (byUnit.get(p.code) || [])[i];
        const val = v ? v.value : null;
        return h('td', { 'data-unit': p.code, 'data-month': m, 'data-live-unit': p.code,
          'data-live-indicator': code, 'data-live-period': m,
          style: 'background:' + heatColour(val, ind), title: p.name + ' ' + m,
          text: val == null ? '—' : fmtNum(val, 1) });
      })))))));
}

// --- search -----------------------------------------------------------------

function setupSearch() {
  const input = $('[data-testid="search"]');
  const list = $('#results');
  // Communes (~3,300, ~350 KB) are fetched once, when the search is first
  // used, not with every page.
  let communes = null;
  const loadCommunes = () => {
    if (communes) return;
    communes = api('/units' + qs({ level: 'commune' })).then((r) => {
      for (const u of r.units) state.unitList.push({ code: u.code, name: u.name,
        folded: fold(u.name) });
      if (input.value) input.dispatchEvent(new Event('input'));
    }).catch(() => { communes = null; });
  };
  input.addEventListener('focus', loadCommunes);
  input.addEventListener('input', () => {
    loadCommunes();
    const q = fold(input.value.trim());
    list.replaceChildren();
    if (!q) return;
    const hits = state.unitList.filter((u) => u.code.toLowerCase().startsWith(q) ||
      u.folded.includes(q)).slice(0, 10);
    list.replaceChildren(...hits.map((u) => h('li', {}, h('a', { href: '#/unit/' + u.code,
      'data-testid': 'search-result', text: u.name + ' (' + u.code + ')' }))));
  });
  list.addEventListener('click', () => { input.value = ''; list.replaceChildren(); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') { const a = $('a', list); if (a) { location.hash = a.getAttribute('href'); input.value = ''; list.replaceChildren(); } }
    if (e.key === 'Escape') { input.value = ''; list.replaceChildren(); }
  });
}

// --- the frame --------------------------------------------------------------

function applyLabels() {
  document.documentElement.lang = getLang();
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of document.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
}

let renderSeq = 0;
async function render() {
  const seq = ++renderSeq;
  destroyCharts();
  const root = h('div');
  main().replaceChildren(h('p', { class: 'muted', text: t('loading') }));
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  const params = new URLSearchParams(query || '');
  try {
    const tmp = h('div');
    let m;
    if (path === '/' || path === '') await overview(tmp);
    else if (path === '/rankings') await rankings(tmp, params);
    else if ((m = path.match(/^\/unit\/([^/]+)$/))) await unitPage(tmp, decodeURIComponent(m[1]));
    else if ((m = path.match(/^\/indicator\/([^/]+)$/))) await indicatorPage(tmp, decodeURIComponent(m[1]));
    else tmp.append(h('p', { text: t('notFound') }));
    root.append(...tmp.childNodes);
  } catch (err) {
    if (!(err instanceof NeedToken)) console.warn(err);
    root.replaceChildren(errorBox(err));
  }
  if (seq !== renderSeq) return; // a later navigation won
  main().replaceChildren(root);
  // uPlot sizes from the container: charts drawn off-document are redrawn.
  for (const c of state.charts) {
    const w = c.root.parentElement ? c.root.parentElement.clientWidth : 0;
    if (w > 0) c.setSize({ width: w, height: c.height });
  }
}

async function start() {
  applyLabels();
  setupSearch();
  $('[data-testid="lang-switch"]').addEventListener('click', () => {
    setLang(getLang() === 'vi' ? 'en' : 'vi');
    applyLabels();
    render();
  });
  const periodInput = $('[data-testid="period"]');
  try {
    const [inds, provinces, ministries] = await Promise.all([api('/indicators'),
      api('/units' + qs({ level: 'province' })), api('/units' + qs({ level: 'ministry' }))]);
    state.indicators = inds.indicators;
    for (const u of [...provinces.units, ...ministries.units]) state.units.set(u.code, u);
    // Provinces and ministries first; communes the search may have fetched
    // meanwhile stay after them.
    state.unitList = [...state.units.values()].map((u) => ({ code: u.code, name: u.name,
      folded: fold(u.name + ' ' + (u.short_name || '')) })).concat(state.unitList);
    const search = $('[data-testid="search"]');
    if (search.value) search.dispatchEvent(new Event('input')); // typed before we were ready
    state.period = await latestMonth();
  } catch (err) {
    main().replaceChildren(errorBox(err));
    return;
  }
  periodInput.value = state.period;
  // Suggestions: the last 12 months, 4 quarters and 2 years.
  const e = endMonth(state.period), y = Number(e.slice(0, 4));
  $('#periods').replaceChildren(...[...last12(e).reverse(),
    ...[4, 3, 2, 1].map((q) => y + 'Q' + q), String(y), String(y - 1)]
    .map((p) => h('option', { value: p })));
  const setPeriod = () => {
    const v = periodInput.value.trim();
    periodInput.setAttribute('aria-invalid', PERIOD.test(v) ? 'false' : 'true');
    if (!PERIOD.test(v) || v === state.period) return;
    state.period = v;
    render();
  };
  periodInput.addEventListener('change', setPeriod);
  periodInput.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') setPeriod(); });
  window.addEventListener('hashchange', () => {
    $('#results').replaceChildren(); // a search that led here is done
    render();
  });
  await render();
}

start();

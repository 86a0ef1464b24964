// The webimap app and Roundcube side by side in headless Chromium, against the same Dovecot
// INBOX. Run by bench/webmail.sh, which installs and starts everything; prints a table.
//
// Every run of either app is cold: a new browser context (no cache, no cookies, no storage).
// Times are taken inside the page (performance.timeOrigin + performance.now(), a
// monotonic high-resolution clock) so Playwright's own round trips do not count:
// - "first rows": from the Sign-in click (a capturing click listener; the time survives
//   Roundcube's page navigation in sessionStorage) until message rows with text are in the
//   DOM (a MutationObserver sees them) and the frame showing them has painted (the
//   requestAnimationFrame after that, then a 0 ms timeout, which runs after the paint).
// - "jump": webimap: setting the list's scrollTop to put row N/2 at the top (what dragging
//   the scrollbar thumb there does) until the row at that position, with its subject, is in
//   the DOM and painted. Roundcube: its page-jumper input (the page number in the list
//   footer) set to the middle page and its change event fired (what typing the number and
//   pressing Enter does), until the new page's rows replace the old ones and are painted.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from '../tests/e2e/node_modules/playwright-core/index.mjs';

const opts = {};
for (let i = 2; i < process.argv.length; i += 2) opts[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const N = Number(opts.messages);
const RUNS = Number(opts.runs ?? 5);
const USER = 'demo';
const PASSWORD = 'demo-password';
const VIEWPORT = { width: 1280, height: 800 };
const JUMPS = [0.5, 0.25, 0.75, 1]; // the middle first (the headline figure), then others
const TIMEOUT = 300_000;
// --only app|roundcube: one of them, printed as JSON (for trying the set-up out).
const KINDS = opts.only ? [opts.only] : ['app', 'roundcube'];

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Installed in every document before its own scripts: records the Sign-in click, when the
// sign-in form is there, and when the first message rows are shown.
function probe(kind) {
  const now = () => performance.timeOrigin + performance.now();
  addEventListener('click', () => {
    try { sessionStorage.setItem('__benchClick', String(now())); } catch { /* opaque origin */ }
  }, true);
  const bench = { form: null, rows: null };
  window.__bench = bench;
  if (kind === 'app') {
    // The app's WebSocket (the IMAP stream): bytes and the last frame before the rows.
    bench.ws = { bytes: 0, frames: 0, last: 0 };
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        this.addEventListener('message', (e) => {
          if (bench.rows) return;
          bench.ws.bytes += e.data.byteLength ?? e.data.size ?? String(e.data).length;
          bench.ws.frames += 1;
          bench.ws.last = now();
        });
      }
    };
  }
  const formSelector = kind === 'app' ? '#password' : '#rcmloginpwd';
  const rowSelector = kind === 'app' ? '[aria-label="Messages"] [role="option"]' : '#messagelist tbody tr';
  const check = () => {
    if (!bench.form && document.querySelector(formSelector)) bench.form = performance.now();
    if (bench.rows) return;
    const rows = document.querySelectorAll(rowSelector);
    if (!rows.length || !rows[0].textContent.trim() || !rows[0].getClientRects().length) return;
    bench.rows = { dom: now(), count: rows.length };
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { bench.rows.painted = now(); }, 0));
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, characterData: true });
  addEventListener('load', () => { bench.load = performance.now(); check(); });
}

async function fresh(kind) {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(probe, kind);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  return { context, page, errors };
}

async function signIn(kind, page) {
  if (kind === 'app') {
    await page.goto(opts.app);
    await page.getByLabel('Server', { exact: true }).fill('127.0.0.1');
    await page.getByLabel('Security', { exact: true }).selectOption('none');
    await page.getByLabel('Port', { exact: true }).fill(String(opts['imap-port']));
    await page.getByLabel('Username', { exact: true }).fill(USER);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.waitForFunction(() => window.__bench.load !== undefined);
    const ready = await page.evaluate(() => Math.max(window.__bench.form, window.__bench.load));
    await page.getByRole('button', { name: 'Sign in' }).click();
    return ready;
  }
  await page.goto(opts.roundcube);
  await page.fill('#rcmloginuser', USER);
  await page.fill('#rcmloginpwd', PASSWORD);
  await page.waitForFunction(() => window.__bench.load !== undefined);
  const ready = await page.evaluate(() => Math.max(window.__bench.form, window.__bench.load));
  await page.click('#rcmloginsubmit');
  await page.waitForURL(/_task=mail/, { waitUntil: 'commit' });
  return ready;
}

async function firstRows(page) {
  await page.waitForFunction(() => window.__bench?.rows?.painted, null, { polling: 50 });
  return page.evaluate(() => {
    const click = Number(sessionStorage.getItem('__benchClick'));
    const { rows, ws } = window.__bench;
    return {
      painted: rows.painted - click,
      dom: rows.dom - click,
      count: rows.count,
      wsLast: ws ? ws.last - click : undefined,
      wsBytes: ws?.bytes,
    };
  });
}

// Lets the app finish what it does after showing the list (IDLE, unread counts, …).
async function settle(kind, page) {
  if (kind === 'app') {
    await page.waitForFunction((n) => {
      const count = document.querySelector('.pane-count')?.textContent ?? '';
      return count.replace(/\D+/g, ' ').trim().split(' ')[0] === String(n);
    }, N);
  } else {
    await page.waitForLoadState('networkidle');
    await page.waitForFunction(() => !window.rcmail.busy && window.rcmail.env.messagecount > 0);
  }
  await page.waitForTimeout(1000);
}

async function jumpApp(page, fraction) {
  return page.evaluate((fraction) => new Promise((resolve, reject) => {
    const scroller = document.getElementById('message-list');
    const first = scroller.querySelector('[role="option"]');
    const height = first.getBoundingClientRect().height;
    const total = Number(first.getAttribute('aria-setsize'));
    const visible = Math.floor(scroller.clientHeight / height);
    const index = Math.min(Math.floor(total * fraction), total - visible);
    const want = `[aria-posinset="${index + 1}"] .message-subject`;
    let dom;
    const check = () => {
      const el = scroller.querySelector(want);
      if (dom !== undefined || !el || !el.textContent.trim()) return;
      dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve({
        dom,
        painted: performance.now() - t0,
        rows: scroller.querySelectorAll('[role="option"]').length,
        where: `row ${index + 1} of ${total}: ${el.textContent.trim()}`,
      }), 0));
    };
    const observer = new MutationObserver(check);
    observer.observe(scroller, { childList: true, subtree: true, characterData: true });
    setTimeout(() => reject(new Error(`row ${index + 1} never shown`)), 60_000);
    const t0 = performance.now();
    scroller.scrollTop = index * height;
  }), fraction);
}

async function jumpRoundcube(page, fraction) {
  await page.waitForFunction(() => !window.rcmail.busy);
  return page.evaluate((fraction) => new Promise((resolve, reject) => {
    const { env } = window.rcmail;
    const target = Math.max(1, Math.min(env.pagecount, Math.ceil(env.pagecount * fraction)));
    const size = env.pagesize || 50;
    const expected = Math.min(size, env.messagecount - (target - 1) * size);
    const tbody = document.querySelector('#messagelist tbody');
    const before = tbody.rows[0]?.id;
    const input = document.querySelector('.pagenav > input');
    let dom;
    const check = () => {
      // The list widget swaps in a new tbody when it clears itself.
      const rows = document.querySelector('#messagelist tbody').rows;
      if (dom !== undefined || rows.length < expected || rows[0].id === before || !rows[0].textContent.trim()) return;
      dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve({
        dom,
        painted: performance.now() - t0,
        rows: rows.length,
        where: `page ${env.current_page} of ${env.pagecount}: ${(rows[0].querySelector('span.subject') ?? rows[0]).textContent.trim().replace(/\s+/g, ' ').slice(0, 60)}`,
      }), 0));
    };
    const observer = new MutationObserver(check);
    observer.observe(tbody.parentNode, { childList: true, subtree: true });
    setTimeout(() => reject(new Error(`page ${target} never shown`)), 60_000);
    const t0 = performance.now();
    input.value = String(target);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }), fraction);
}

async function session(kind) {
  const { context, page, errors } = await fresh(kind);
  try {
    const ready = await signIn(kind, page);
    const rows = await firstRows(page);
    await settle(kind, page);
    const counts = [await page.locator(kind === 'app' ? '[role="option"]' : '#messagelist tbody tr').count()];
    const jumps = [];
    for (const fraction of JUMPS) {
      const r = kind === 'app' ? await jumpApp(page, fraction) : await jumpRoundcube(page, fraction);
      jumps.push(r);
      counts.push(r.rows);
      await page.waitForTimeout(300);
    }
    if (errors.length) console.error(`# ${kind}: page errors: ${errors.join(' | ').slice(0, 300)}`);
    return { ready, rows, jumps, counts };
  } finally {
    await context.close();
  }
}

// One more cold session per app, not timed: what crosses the network.
async function transfer(kind) {
  const { context, page } = await fresh(kind);
  const pending = [];
  const ws = { in: 0, frames: 0 };
  page.on('requestfinished', (request) => pending.push((async () => {
    const sizes = await request.sizes();
    const response = await request.response();
    const headers = response ? await response.allHeaders() : {};
    return {
      url: request.url(),
      type: request.resourceType(),
      body: sizes.responseBodySize,
      headers: sizes.responseHeadersSize,
      encoding: headers['content-encoding'] ?? '',
    };
  })()));
  page.on('websocket', (socket) => {
    const size = (f) => (typeof f.payload === 'string' ? Buffer.byteLength(f.payload) : f.payload.length);
    socket.on('framereceived', (f) => { ws.in += size(f); ws.frames += 1; });
  });
  try {
    await signIn(kind, page);
    await firstRows(page);
    await settle(kind, page);
    const all = await Promise.all(pending);
    const font = (r) => r.type === 'font' || /\.(woff2?|ttf|otf)(\?|$)/.test(r.url);
    const data = (r) => ['xhr', 'fetch'].includes(r.type);
    const sum = (list) => list.reduce((a, r) => a + r.body, 0);
    const code = all.filter((r) => !font(r) && !data(r));
    const encodings = {};
    for (const r of code) {
      const ext = (new URL(r.url).pathname.match(/\.(\w+)$/)?.[1] ?? r.type);
      encodings[`${ext}:${r.encoding || 'identity'}`] = true;
    }
    return {
      code: sum(code),
      codeCount: code.length,
      fonts: sum(all.filter(font)),
      fontCount: all.filter(font).length,
      data: sum(all.filter(data)),
      dataCount: all.filter(data).length,
      headers: all.reduce((a, r) => a + r.headers, 0),
      requests: all.length,
      ws,
      encodings: Object.keys(encodings).sort().join(' '),
    };
  } finally {
    await context.close();
  }
}

// Brotli (quality 11, window 22: what the relay's precompression and `brotli -q 11` use) of
// the app's wasm, JS and CSS in dist/, and the .br siblings the relay serves.
function brotliSizes(dist) {
  const out = { wasm: 0, js: 0, css: 0, raw: 0, served: 0 };
  for (const name of fs.readdirSync(dist)) {
    const ext = name.match(/\.(wasm|js|css)$/)?.[1];
    if (!ext) continue;
    const data = fs.readFileSync(path.join(dist, name));
    out.raw += data.length;
    out[ext] += zlib.brotliCompressSync(data, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_LGWIN]: 22,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length },
    }).length;
    const br = path.join(dist, `${name}.br`);
    out.served += fs.existsSync(br) ? fs.statSync(br).size : data.length;
  }
  out.total = out.wasm + out.js + out.css;
  return out;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;
const kb = (x) => `${(x / 1000).toFixed(1)} KB`;
const spread = (xs) => `${ms(median(xs))} (${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))})`;

// Warm-up, not counted: Dovecot builds its index and caches the fields each client fetches;
// PHP's opcache fills. Every run after it is cold on the browser side only.
console.error('[webmail-bench] warm-up: one session of each app');
for (const kind of KINDS) await session(kind);
const results = { app: [], roundcube: [] };
for (let i = 0; i < RUNS; i += 1) {
  for (const kind of KINDS) {
    const r = await session(kind);
    results[kind].push(r);
    console.error(`[webmail-bench] run ${i + 1} ${kind}: form ${Math.round(r.ready)} ms, first rows ${Math.round(r.rows.painted)} ms (${r.rows.count} rows${r.rows.wsLast ? `; last IMAP frame at ${Math.round(r.rows.wsLast)} ms` : ''}), jumps ${r.jumps.map((j) => Math.round(j.painted)).join('/')} ms; ${r.jumps[0].where}`);
  }
}
console.error('[webmail-bench] transfer sessions');
const bytes = {};
for (const kind of KINDS) bytes[kind] = await transfer(kind);
const br = brotliSizes(opts.dist);
await browser.close();
if (opts.only) {
  console.log(JSON.stringify({ results, bytes, br }, null, 1));
  process.exit(0);
}

const pick = (kind, f) => results[kind].map(f);
const ratio = (a, b) => (a / b).toFixed(2);
const rows = [];
const line = (what, app, rc, r = '') => rows.push([what, app, rc, r]);
{
  const a = pick('app', (r) => r.ready);
  const b = pick('roundcube', (r) => r.ready);
  line('sign-in page ready (navigation → form + load)', spread(a), spread(b), ratio(median(a), median(b)));
}
{
  const a = pick('app', (r) => r.rows.painted);
  const b = pick('roundcube', (r) => r.rows.painted);
  line(`first rows after the Sign-in click (${N} messages)`, spread(a), spread(b), ratio(median(a), median(b)));
}
{
  const a = pick('app', (r) => r.jumps[0].painted);
  const b = pick('roundcube', (r) => r.jumps[0].painted);
  line('jump to the middle of the list, rows shown', spread(a), spread(b), ratio(median(a), median(b)));
}
{
  const a = pick('app', (r) => Math.max(...r.jumps.map((j) => j.painted)));
  const b = pick('roundcube', (r) => Math.max(...r.jumps.map((j) => j.painted)));
  line('slowest of 4 jumps (50 %, 25 %, 75 %, end)', spread(a), spread(b), ratio(median(a), median(b)));
}
{
  const a = Math.max(...pick('app', (r) => Math.max(...r.counts)));
  const b = Math.max(...pick('roundcube', (r) => Math.max(...r.counts)));
  line('DOM rows in the list (most seen)', `${a} of ${N}`, `${b} (one page)`, '');
}
const A = bytes.app;
const B = bytes.roundcube;
line('cold session: HTML/JS/CSS/wasm/images, as served', `${kb(A.code)} (${A.codeCount} files)`, `${kb(B.code)} (${B.codeCount} files)`, ratio(A.code, B.code));
line('cold session: fonts', `${kb(A.fonts)} (${A.fontCount})`, `${kb(B.fonts)} (${B.fontCount})`, '');
line('cold session: mail data, sign-in to list settled', `${(A.ws.in / 1e6).toFixed(1)} MB WebSocket`, `${kb(B.data)} XHR (${B.dataCount})`, '');
line('app wasm+JS+CSS, brotli q11 (dist/)', kb(br.total), '', '');

const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length), ['what', 'webimap', 'Roundcube', 'webimap/RC'][c].length));
const fmt = (r) => `${r[0].padEnd(widths[0])}  ${r[1].padStart(widths[1])}  ${r[2].padStart(widths[2])}  ${r[3].padStart(widths[3])}`;
console.log(`# ${N} messages in INBOX; ${RUNS} cold runs per app after one warm-up each, alternating; median (min–max); Chromium headless ${VIEWPORT.width}×${VIEWPORT.height}`);
console.log(fmt(['what', 'webimap', 'Roundcube', 'webimap/RC']));
for (const r of rows) console.log(fmt(r));
console.log(`# served encodings, webimap: ${A.encodings}`);
console.log(`# served encodings, Roundcube: ${B.encodings}`);
console.log(`# webimap: brotli q11 wasm ${kb(br.wasm)}, JS ${kb(br.js)}, CSS ${kb(br.css)}; ${kb(br.raw)} uncompressed, ${kb(br.served)} as the relay's .br siblings; response headers ${kb(A.headers)} in ${A.requests} requests`);
{
  const last = pick('app', (r) => r.rows.wsLast);
  const mb = (median(pick('app', (r) => r.rows.wsBytes)) / 1e6).toFixed(1);
  console.log(`# webimap, where the first-rows time goes: ${mb} MB of IMAP over the WebSocket before the rows, the last frame ${spread(last)} after the click; rows painted ${spread(pick('app', (r) => r.rows.painted))} after it`);
}
console.log(`# Roundcube: response headers ${kb(B.headers)} in ${B.requests} requests`);
console.log(`# where the middle jump landed: webimap ${results.app[0].jumps[0].where} | Roundcube ${results.roundcube[0].jumps[0].where}`);
for (const kind of ['app', 'roundcube']) {
  results[kind].forEach((r, i) => console.log(`# run ${i + 1} ${kind === 'app' ? 'webimap  ' : 'Roundcube'}: form ${Math.round(r.ready)} ms, first rows ${Math.round(r.rows.painted)} ms (${r.rows.count} rows in the DOM), jumps 50/25/75/100 % ${r.jumps.map((j) => Math.round(j.painted)).join('/')} ms`));
}
console.log(`# timed (in the page, performance.now()): "first rows" = capturing click listener on Sign in → MutationObserver sees rows with text
#   → next requestAnimationFrame + 0 ms timeout (after that frame's paint); Roundcube's time spans the login POST, redirect, mail page
#   and its list XHR. "jump" = webimap: scrollTop of the virtualised list set so row N×fraction is on top → that row's subject is in
#   the DOM and painted; Roundcube: its page-jumper input set to page ⌈pages×fraction⌉ and its change event fired (Enter in the
#   input does this) → the new page's rows replaced the old ones and painted. Each run: a new browser context (cold cache, no cookies).
#   Transfer: one more cold session per app, response body sizes as served (Playwright request.sizes()), until the list settled.`);
const firstA = median(pick('app', (r) => r.rows.painted));
const firstB = median(pick('roundcube', (r) => r.rows.painted));
const worstJump = Math.max(...pick('app', (r) => Math.max(...r.jumps.map((j) => j.painted))));
const verdict = (ok) => (ok ? 'met' : 'NOT met');
console.log(`# targets (issue 6): first rows ≤ ½ Roundcube's: ${ms(firstA)} vs ${ms(firstB / 2)} → ${verdict(firstA <= firstB / 2)}; any scroll position ≤ 100 ms: slowest jump of all runs ${ms(worstJump)} → ${verdict(worstJump <= 100)}; app ≤ 400 KB brotli: ${kb(br.total)} → ${verdict(br.total <= 400_000)}`);

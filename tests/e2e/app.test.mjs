// The webimap app end to end: its release build served by the real relay, driven in
// Debian's headless Chromium against a real Dovecot with the sample mail.
// Run by `cargo xtask test`, which starts everything and sets the WEBIMAP_E2E_* variables.
import { test as nodeTest, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { chromium } from 'playwright-core';

// WEBIMAP_E2E_ONLY=<regular expression> runs only the tests whose names match (the others
// are reported as skipped), for working on a few; unset, every test runs.
const only = process.env.WEBIMAP_E2E_ONLY ? new RegExp(process.env.WEBIMAP_E2E_ONLY) : null;
const test = (name, fn) => nodeTest(name, { skip: only && !only.test(name) ? 'not selected by WEBIMAP_E2E_ONLY' : false }, fn);

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests with \`cargo xtask test\``);
  return value;
}

const url = setting('WEBIMAP_E2E_URL');
const imapHost = setting('WEBIMAP_E2E_IMAP_HOST');
const imapPort = setting('WEBIMAP_E2E_IMAP_PORT');
const imapsPort = setting('WEBIMAP_E2E_IMAPS_PORT');
const caPem = fs.readFileSync(setting('WEBIMAP_E2E_CA_PEM_PATH'), 'utf8');
const user = setting('WEBIMAP_E2E_USER');
const password = setting('WEBIMAP_E2E_PASSWORD');
const sample = JSON.parse(fs.readFileSync(setting('WEBIMAP_E2E_SAMPLE'), 'utf8'));
const screenshots = setting('WEBIMAP_E2E_SCREENSHOTS');

const inFolder = (folder) => sample.filter((m) => m.folder === folder);
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let browser;
let page;
const pageErrors = [];
const cspConsole = [];
const appHost = new URL(url).host;
// Every request the page makes, and every sign that script ran where it must not.
const requests = [];
const dialogs = [];
// Requests the browser stopped itself (the frame's CSP): DevTools reports them, but
// nothing leaves the machine.
const blockedByCsp = new Set();
// The hostile mails' "remote" server: a local HTTP server on another origin, so a request
// that does leave the browser is counted here whatever DevTools reports.
const remoteHits = [];
const remoteServer = http.createServer((req, res) => {
  remoteHits.push(req.url);
  res.writeHead(404);
  res.end();
});
let remoteHost;

// A minimal IMAP client over plain TCP (test code only): logs in and runs commands,
// using non-synchronising literals (LITERAL+) for APPEND.
async function imapSession(run, { login = user, pass = password } = {}) {
  const socket = net.connect({ host: imapHost, port: Number(imapPort) });
  let buffer = '';
  const waiters = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (const w of [...waiters]) w();
  });
  const waitFor = (re) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`IMAP timeout waiting for ${re}: ${buffer.slice(-300)}`)), 30_000);
    const check = () => {
      const m = buffer.match(re);
      if (m) {
        clearTimeout(timer);
        waiters.splice(waiters.indexOf(check), 1);
        resolve(m);
      }
    };
    waiters.push(check);
    check();
  });
  let n = 0;
  const command = async (text, { literal, mayFail = false } = {}) => {
    const tag = `T${++n}`;
    if (literal !== undefined) {
      socket.write(`${tag} ${text} {${Buffer.byteLength(literal)}+}\r\n`);
      socket.write(literal);
      socket.write('\r\n');
    } else {
      socket.write(`${tag} ${text}\r\n`);
    }
    const m = await waitFor(new RegExp(`^${tag} (OK|NO|BAD)[^\r\n]*`, 'm'));
    if (m[1] !== 'OK' && !mayFail) throw new Error(`IMAP ${text.slice(0, 40)}: ${m[0]}`);
    return m[1];
  };
  await waitFor(/^\* OK/m);
  await command(`LOGIN "${login}" "${pass}"`);
  try {
    await run(command, () => buffer);
  } finally {
    await command('LOGOUT', { mayFail: true }).catch(() => {});
    socket.destroy();
  }
}

// The messages of a server folder: subject and flags of each (read with EXAMINE, so
// nothing changes).
async function serverMessages(folder) {
  const found = [];
  await imapSession(async (command, output) => {
    await command(`EXAMINE "${folder}"`);
    const from = output().length;
    await command('UID FETCH 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])');
    const text = output().slice(from);
    for (const m of text.matchAll(/FLAGS \(([^)]*)\)[^\r\n]*\r\nSubject: ([^\r\n]*)/g)) {
      found.push({ subject: m[2], flags: m[1].split(' ').filter(Boolean) });
    }
  });
  return found;
}

// Polls `check` (async, returns truthy when done) for up to `ms`.
async function eventually(check, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A new, empty folder, subscribed (the folder pane shows subscribed folders).
async function freshFolder(command, name) {
  await command(`DELETE "${name}"`, { mayFail: true });
  await command(`CREATE "${name}"`);
  await command(`SUBSCRIBE "${name}"`);
}

// The server's folders: every name (LIST) and the subscribed ones (LSUB).
async function serverFolders() {
  let all = [];
  let subscribed = [];
  await imapSession(async (command, output) => {
    const names = async (cmd) => {
      const from = output().length;
      await command(cmd);
      return [...output().slice(from).matchAll(/^\* (?:LIST|LSUB) \([^)]*\) (?:"[^"]*"|NIL) (?:"([^"]*)"|([^\s"]+))\r$/gm)]
        .map((m) => m[1] ?? m[2]);
    };
    all = await names('LIST "" "*"');
    subscribed = await names('LSUB "" "*"');
  });
  return { all, subscribed };
}

const crlf = (text) => text.replace(/\r?\n/g, '\r\n');
const htmlMail = (subject, html) => crlf(`From: Mallory <mallory@evil.test>
To: demo@example.com
Subject: ${subject}
Date: Mon, 2 Jun 2025 10:00:00 +0000
Message-ID: <${subject.replace(/\W+/g, '-')}@evil.test>
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: 8bit

<html><head><title>t</title></head><body>${html}</body></html>
`);

// Hostile HTML: each tries to run script (which would post a message to the app or set
// a marker on it, or open a dialog) or to reach evil.test.
const hostile = [
  ['XSS script tags', `<script>top.postMessage('xss','*');parent.__xss=1;alert(1)</script><p>script tags</p><SCRIPT SRC=http://evil.test/x.js></SCRIPT>`],
  ['XSS event handlers', `<img src=x onerror="top.postMessage('xss','*')"><body onload=alert(1)><div onmouseover="alert(1)" style="height:200px">handlers</div><details open ontoggle=alert(1)><summary>s</summary></details>`],
  ['XSS javascript URLs', `<a href="javascript:top.postMessage('xss','*')">click</a><a href="  jAvAsCrIpT:alert(1)">two</a><a href="java&#x09;script:alert(1)">three</a><iframe src="javascript:alert(1)"></iframe><a href="data:text/html,<script>alert(1)</script>">data</a>`],
  ['XSS SVG use and animate', `<svg xmlns="http://www.w3.org/2000/svg"><use href="data:image/svg+xml,&lt;svg id='x' xmlns='http://www.w3.org/2000/svg'&gt;&lt;image href='1' onerror='alert(1)'/&gt;&lt;/svg&gt;#x"/><a><animate attributeName="href" values="javascript:alert(1)"/><text x="20" y="20">svg</text></a><animate onbegin="alert(1)" attributeName="x" dur="1s"/><image href="http://evil.test/svg.png"/><foreignObject><img src=x onerror=alert(1)></foreignObject></svg><p>svg</p>`],
  ['XSS MathML', `<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">m</maction><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math><p>mathml</p>`],
  ['XSS CSS loads', `<style>@import url(http://evil.test/import.css); body{background:url(http://evil.test/bg.png)} p{--x:url(http://evil.test/var.png); background-image:var(--x)} @font-face{font-family:evil;src:url(http://evil.test/font.woff)} p{font-family:evil} div{background:u\\72l(http://evil.test/escaped.png)}</style><p style="background:url('http://evil.test/inline.png')">css</p><div>escaped</div><link rel=stylesheet href="http://evil.test/link.css">`],
  ['XSS meta refresh', `<meta http-equiv="refresh" content="0;url=http://evil.test/refresh"><meta http-equiv=refresh content="0;url=javascript:alert(1)"><base href="http://evil.test/"><img src="relative.png"><p>meta</p>`],
  ['XSS forms and embeds', `<form action="http://evil.test/form" method=post><input name=q value=x autofocus onfocus=alert(1)><button>Send</button></form><button form=x formaction="javascript:alert(1)">b</button><object data="http://evil.test/o.swf"></object><embed src="http://evil.test/e.swf"><video poster="http://evil.test/p.png"></video>`],
  ['XSS CDATA', `<![CDATA[<script>alert(1)</script>]]><svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg><p>cdata</p>`],
  ['XSS mutation tricks', `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript><svg></p><style><a id="</style><img src=1 onerror=alert(1)>"></svg><form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>`],
];

// A 1×1 PNG.
const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const fromNews = (mail) => mail.replace('From: Mallory <mallory@evil.test>', 'From: News <news@remote.test>');
const specimens = [
  fromNews(htmlMail('Newsletter one', `<p>First issue</p><img src="http://remote.test/news1.png" alt="n1" width="10" height="10">`)),
  fromNews(htmlMail('Newsletter two', `<p>Second issue, see https://example.org/two</p><img src="http://remote.test/news2.png" alt="n2" width="10" height="10">`)),
  crlf(`From: Ann <ann@example.com>
To: demo@example.com
Subject: Plain links
Date: Mon, 2 Jun 2025 13:00:00 +0000
Content-Type: text/plain; charset=utf-8

Read https://example.org/read-me. Or write to mailto:ann@example.com, but not javascript:alert(1).
`),
  htmlMail('Styled mail', `<style>.sheet{color:rgb(1, 2, 3)}</style><p class="sheet">Styled by a sheet</p><p style="color: rgb(4, 5, 6)">Styled inline</p>`),
  // The sanitiser's rules, in a whole document whose sheet is in its <head> (wrapped in
  // an HTML comment, as old mailers do).
  crlf(`From: Ann <ann@example.com>
To: demo@example.com
Subject: Sanitiser rules
Date: Mon, 2 Jun 2025 10:30:00 +0000
MIME-Version: 1.0
Content-Type: text/html; charset=utf-8

<html><head><title>Rules title</title><style><!--
.head-sheet{color:rgb(7, 8, 9)}
--></style></head><body>
<p class="head-sheet">Styled from the head</p><p>caf&eacute; &hearts; &NotEqualTilde; &amp;lt; &#x263A; &nosuchentity;</p>
<a href="https://example.org/kept" rel="opener" target="_self" onclick="parent.__xss=1" ping="http://evil.test/ping">kept link</a>
<a href="/relative-link">relative link</a><a href="vbscript:msgbox(1)">vb link</a>
<img src="/logout" alt="rel1"><img src="//evil.test/protocol-relative.png" alt="rel2"><img src="relative.png" alt="rel3">
<img src="data:image/png;base64,${pixel}" alt="raster">
<img src="data:image/svg+xml,&lt;svg xmlns='http://www.w3.org/2000/svg'/&gt;" alt="svgdata">
<table bgcolor="#ffeecc" cellpadding="2" background="http://evil.test/table.png"><tr><td align="right" data-x="1" aria-label="l" id="clobber" name="n">cell</td></tr></table>
<font face="Arial" color="#123456">font text</font><!-- a hidden comment -->
<div style="background:url(javascript:alert(1))">jsstyle</div><div style="width:expression(alert(1))">expr</div>
<blockquote cite="http://evil.test/cite">quote</blockquote><q cite="http://evil.test/q">q</q>
<img src="x" usemap="#m" longdesc="http://evil.test/long"><map name="m"><area href="javascript:alert(1)" shape="rect" coords="0,0,1,1"></map>
</body></html>
`),
  htmlMail('Remote image', `<p>Hello remote</p><img src="http://remote.test/pixel.png" alt="pixel" width="10" height="10">`),
  crlf(`From: Ann <ann@example.com>
To: demo@example.com
Subject: Inline image
Date: Mon, 2 Jun 2025 11:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/related; boundary="rel"

--rel
Content-Type: text/html; charset=utf-8

<p>Logo below</p><img src="cid:dot@test" alt="Logo">
--rel
Content-Type: image/png
Content-ID: <dot@test>
Content-Transfer-Encoding: base64

${pixel}
--rel--
`),
  crlf(`From: Ann <ann@example.com>
To: demo@example.com
Subject: Attachments
Date: Mon, 2 Jun 2025 12:00:00 +0000
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="mix"

--mix
Content-Type: text/plain; charset=utf-8

See the two attachments.
--mix
Content-Type: text/plain; charset=utf-8; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"
Content-Transfer-Encoding: base64

${Buffer.from('Attachment content 42\n').toString('base64')}
--mix
Content-Type: message/rfc822
Content-Disposition: attachment

From: Inner Sender <inner@example.com>
To: demo@example.com
Subject: Inner subject
Date: Sun, 1 Jun 2025 09:00:00 +0000
Content-Type: text/plain; charset=utf-8

Inner body text
--mix--
`),
];

before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  page.on('requestfailed', (r) => {
    if (/^csp$|BLOCKED_BY_CSP|blocked:csp/i.test(r.failure()?.errorText ?? '')) blockedByCsp.add(r.url());
  });
  // A page leaving with a message not yet saved asks first (beforeunload): leave.
  page.on('dialog', (d) => {
    if (d.type() === 'beforeunload') return void d.accept().catch(() => {});
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('console', (m) => {
    // The page's own CSP violations. Expected, so not counted: the mail frame's
    // (about:srcdoc), and Chromium's reports of hostile mail markup (inline event handlers,
    // <base href>) met while DOMPurify parses a mail in its inert DOMParser document, which
    // inherits the page's policy: nothing runs there, and no securitypolicyviolation event
    // reaches the page (window.__csp below stays empty).
    const where = m.location()?.url ?? '';
    const parsing = /\/purify\.min-[0-9a-f]+\.js$/.test(where)
      && /^(Executing inline event handler|Setting the document's base URI)/.test(m.text());
    if (/Content Security Policy/i.test(m.text()) && !where.startsWith('about:') && !parsing) {
      cspConsole.push(`${where}: ${m.text().slice(0, 300)}`);
    }
  });
  await page.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    window.__xss = 0;
    window.addEventListener('message', (e) => { if (e.data === 'xss') window.__xss += 1; });
  });
  await new Promise((resolve) => remoteServer.listen(0, '127.0.0.1', resolve));
  remoteHost = `localhost:${remoteServer.address().port}`;
  const here = (mail) => mail.replaceAll('evil.test/', `${remoteHost}/evil/`).replaceAll('remote.test/', `${remoteHost}/remote/`);
  await imapSession(async (command) => {
    await freshFolder(command, 'Hostile');
    for (const [subject, html] of hostile) {
      await command('APPEND "Hostile"', { literal: here(htmlMail(subject, html)) });
    }
    for (const mail of specimens) await command('APPEND "Hostile"', { literal: here(mail) });
    await freshFolder(command, 'Bulk');
    const month = ['Jan', 'Feb', 'Mar'];
    for (let i = 1; i <= 500; i += 1) {
      const n = String(i).padStart(3, '0');
      const minutes = i;
      const date = `${String(1 + Math.floor(minutes / 1440)).padStart(2, '0')}-${month[0]}-2024 ${String(Math.floor(minutes / 60) % 24).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}:00 +0000`;
      const flags = [i % 10 === 0 ? '' : '\\Seen', i % 100 === 0 ? '\\Flagged' : ''].filter(Boolean).join(' ');
      const mail = crlf(`From: Bulk Sender <bulk@example.com>\nSubject: Bulk message ${n}\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nContent-Type: text/plain\n\nBody ${n}\n`);
      await command(`APPEND "Bulk" (${flags}) "${date}"`, { literal: mail });
    }
  });
});

after(async () => {
  remoteServer.close();
  await browser?.close();
});

async function signIn(pass, { security = 'none', port = imapPort, host = imapHost, ca = '' } = {}) {
  await page.goto(url);
  await page.getByLabel('Server', { exact: true }).fill(host);
  await page.getByLabel('Security', { exact: true }).selectOption(security);
  await page.getByLabel('Port', { exact: true }).fill(port);
  await page.getByText('Advanced').click();
  await page.getByLabel('Extra CA certificate (PEM)').fill(ca);
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(pass);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

const folders = () => page.getByRole('navigation', { name: 'Folders' });
const messages = () => page.getByRole('listbox', { name: 'Messages' });
const rows = () => messages().getByRole('option');
const rowCount = '[aria-label="Messages"] [role="option"]';

test('a wrong password is reported in words, and nothing is remembered', async () => {
  await signIn('not-the-password');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.innerText()).toLowerCase(), /password|user name|username|credentials/);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('not-the-password'), `the password reached localStorage: ${stored}`);
});

test('a provider preset fills in the server settings and says what to know', async () => {
  await page.goto(url);
  await page.getByLabel('Provider').selectOption({ label: 'Gmail' });
  assert.equal(await page.getByLabel('Server', { exact: true }).inputValue(), 'imap.gmail.com');
  assert.equal(await page.getByLabel('Port', { exact: true }).inputValue(), '993');
  assert.equal(await page.getByLabel('Security', { exact: true }).inputValue(), 'tls');
  await page.getByText('app password').waitFor();
  // Typing another server turns the choice back to "Other".
  await page.getByLabel('Server', { exact: true }).fill('mail.example.net');
  assert.equal(await page.getByLabel('Provider').inputValue(), '');
});

test('sign in shows the folders and the INBOX, newest first, unread in bold', async () => {
  await signIn(password);
  await folders().waitFor();
  for (const name of ['INBOX', 'Sent', 'Drafts', 'Work', 'Projects']) {
    await folders().getByRole('button', { name, exact: true }).or(
      folders().getByRole('link', { name, exact: true })).first().waitFor();
  }
  const inbox = inFolder('INBOX');
  await page.waitForFunction(
    ([sel, n]) => document.querySelectorAll(sel).length === n, [rowCount, inbox.length]);
  // The first rows come without sizes (they would hold them up on a big folder); the
  // sizes follow: every row shows one.
  await page.waitForFunction(([sel, n]) => {
    const sizes = [...document.querySelectorAll(`${sel} .message-size`)];
    return sizes.length === n && sizes.every((el) => /^\d+(\.\d)? (B|KB|MB)$/.test(el.textContent));
  }, [rowCount, inbox.length]);
  const texts = await rows().allInnerTexts();
  const newestFirst = [...inbox].sort((a, b) => b.unix_time - a.unix_time);
  for (const m of inbox) {
    if (!m.subject) continue;
    assert.ok(texts.some((t) => t.includes(m.subject)), `INBOX lists ${JSON.stringify(m.subject)}`);
  }
  const firstWithSubject = newestFirst.find((m) => m.subject);
  assert.ok(texts[newestFirst.indexOf(firstWithSubject)].includes(firstWithSubject.subject),
    `newest first: expected ${firstWithSubject.subject} at ${newestFirst.indexOf(firstWithSubject)}`);
  const weight = async (m) => {
    const row = rows().filter({ hasText: m.subject }).first();
    return row.evaluate((el) => {
      let max = 0;
      for (const node of [el, ...el.querySelectorAll('*')]) {
        max = Math.max(max, Number(getComputedStyle(node).fontWeight));
      }
      return max;
    });
  };
  const unread = inbox.find((m) => !m.seen && m.subject);
  const read = inbox.find((m) => m.seen && m.subject);
  assert.ok(await weight(unread) >= 600, `unread ${unread.subject} is bold`);
  assert.ok(await weight(read) < 600, `read ${read.subject} is not bold`);
  await page.screenshot({ path: path.join(screenshots, 'signed-in.png') });
});

test('opening a message with a non-ASCII subject shows its decoded headers and body', async () => {
  for (const m of inFolder('INBOX').filter((x) => !/^[\x00-\x7f]*$/.test(x.subject))) {
    await messages().getByRole('option', { name: new RegExp(escape(m.subject)) }).first().click();
    const article = page.getByRole('article');
    await article.getByText(m.body_contains, { exact: false }).first().waitFor();
    const text = await article.innerText();
    assert.ok(text.includes(m.subject), `article shows the subject ${m.subject}`);
    assert.ok(text.includes(m.from_name) || text.includes(m.from_addr), `article shows the sender of ${m.subject}`);
  }
  await page.screenshot({ path: path.join(screenshots, 'message.png') });
});

test('another folder lists its own messages', async () => {
  for (const folder of ['Work/Projects', 'Sent']) {
    const label = folder.split('/').pop();
    await folders().getByRole('button', { name: label, exact: true })
      .or(folders().getByRole('link', { name: label, exact: true })).first().click();
    const expected = inFolder(folder);
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length === n, [rowCount, expected.length]);
    const texts = await rows().allInnerTexts();
    for (const m of expected) {
      assert.ok(texts.some((t) => t.includes(m.subject)), `${folder} lists ${m.subject}`);
    }
  }
});

// ---------------------------------------------------------------- the address

const heading = (name) => page.getByRole('heading', { name, exact: true });
const reading = (subject) => page.getByRole('article').getByRole('heading', { name: subject, exact: true });
const newestIn = (folder) => [...inFolder(folder)].filter((m) => m.subject)
  .sort((a, b) => b.unix_time - a.unix_time);

test('Back and Forward move between folders and messages, and the address says where', async () => {
  const [first, second] = newestIn('INBOX');
  await folders().getByRole('button', { name: 'INBOX', exact: true }).click();
  await heading('INBOX').waitFor();
  await rows().first().waitFor();
  await page.waitForURL(/#\/folder\/INBOX$/);
  await rows().filter({ hasText: first.subject }).first().click();
  await reading(first.subject).waitFor();
  await page.waitForURL(/#\/folder\/INBOX\/message\/\d+$/);
  await rows().filter({ hasText: second.subject }).first().click();
  await reading(second.subject).waitFor();
  const [project] = newestIn('Work/Projects');
  await folders().getByRole('button', { name: 'Projects', exact: true }).click();
  await heading('Projects').waitFor();
  await page.waitForURL(/#\/folder\/Work%2FProjects$/);
  await page.goBack();
  await heading('INBOX').waitFor();
  await reading(second.subject).waitFor();
  await page.goBack();
  await reading(first.subject).waitFor();
  await page.goBack();
  await page.getByText('Select a message to read it.').waitFor();
  await page.waitForURL(/#\/folder\/INBOX$/);
  await page.goForward();
  await reading(first.subject).waitFor();
  await page.goForward();
  await page.goForward();
  await heading('Projects').waitFor();
  await rows().filter({ hasText: project.subject }).first().waitFor();
  // A search is part of the address too.
  await page.getByLabel('Search messages').fill(project.subject);
  await page.waitForURL(/#\/folder\/Work%2FProjects\/search\/[^/]+$/);
  await page.getByLabel('Search messages').fill('');
  await page.waitForURL(/#\/folder\/Work%2FProjects$/);
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('a reload or a shared link returns to the same folder and message after sign-in', async () => {
  const [project] = newestIn('Work/Projects');
  await rows().filter({ hasText: project.subject }).first().click();
  await reading(project.subject).waitFor();
  const address = page.url();
  assert.match(address, /#\/folder\/Work%2FProjects\/message\/\d+$/);
  await page.reload();
  await page.getByLabel('Password', { exact: true }).waitFor();
  assert.equal(page.url(), address, 'the address stays while signing in');
  // The form remembers all but the password, which is never stored.
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await heading('Projects').waitFor();
  await reading(project.subject).waitFor();
  assert.equal(page.url(), address);
  // The link opened in another tab (same browser, so the same remembered settings).
  const tab = await page.context().newPage();
  try {
    await tab.goto(address);
    await tab.getByLabel('Password', { exact: true }).fill(password);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Projects', exact: true }).waitFor();
    await tab.getByRole('article').getByRole('heading', { name: project.subject, exact: true }).waitFor();
  } finally {
    await tab.close();
  }
  // An address naming a folder that is not there says so in the list pane.
  const stray = await page.context().newPage();
  try {
    await stray.goto(address.replace(/#.*$/, '#/folder/No%20such%20folder/message/1'));
    await stray.getByLabel('Password', { exact: true }).fill(password);
    await stray.getByRole('button', { name: 'Sign in' }).click();
    await stray.locator('.pane-error').first().waitFor();
  } finally {
    await stray.close();
  }
});

test('sign out returns to the sign-in form', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  assert.equal(await folders().count(), 0);
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

test('TLS to a server with a private CA fails in words until its CA is given', async () => {
  await signIn(password, { security: 'tls', port: imapsPort, host: 'localhost' });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /unknown authority/);
});

for (const [security, port] of [['tls', () => imapsPort], ['starttls', () => imapPort]]) {
  test(`signing in with ${security} inside the browser`, async () => {
    await signIn(password, { security, port: port(), host: 'localhost', ca: caPem });
    await folders().waitFor();
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(sel).length === n, [rowCount, inFolder('INBOX').length]);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(password), 'the password never reaches localStorage');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
}

// ---------------------------------------------------------------- HTML mail, safely

const foreignRequests = () => requests.filter((r) => {
  const u = new URL(r);
  return !['data:', 'blob:', 'about:'].includes(u.protocol) && u.host !== appHost && !blockedByCsp.has(r);
});

async function openFolder(label) {
  await folders().getByRole('button', { name: label, exact: true }).click();
  await page.getByRole('heading', { name: label, exact: true }).waitFor();
  await rows().first().waitFor();
}

async function openMessage(subject) {
  await rows().filter({ hasText: subject }).first().click({ timeout: 5000 }).catch(async (e) => {
    console.log('DEBUG', subject, await page.evaluate(() => document.querySelector('main')?.innerText.slice(0, 1500)));
    throw e;
  });
  await page.getByRole('article').getByRole('heading', { name: subject, exact: true }).waitFor();
}

test('hostile HTML mail runs no script and reaches no other host', async () => {
  await signIn(password);
  await folders().waitFor();
  await openFolder('Hostile');
  const before = requests.length;
  for (const [subject] of hostile) {
    await openMessage(subject);
    const frame = page.locator('iframe[title="Message content"]');
    await frame.waitFor();
    assert.equal(await frame.getAttribute('sandbox'), 'allow-popups allow-popups-to-escape-sandbox');
    const doc = (await frame.getAttribute('srcdoc')).toLowerCase();
    assert.ok(doc.includes('content-security-policy') && doc.includes("default-src 'none'"), `${subject}: CSP in the frame`);
    // Hostile text may remain as escaped text (&lt;img onerror…), never as markup.
    for (const bad of ['<script', '<svg', '<math', '<form', '<input', '<iframe', '<object', '<embed', '<link', '<base href', '<video', '<noscript']) {
      assert.ok(!doc.includes(bad), `${subject}: ${bad} removed`);
    }
    assert.doesNotMatch(doc, /<[^>]+\son[a-z]+\s*=/, `${subject}: no event handler attribute`);
    assert.doesNotMatch(doc, /(href|src|action|data)\s*=\s*["']?\s*(javascript|data:text)/, `${subject}: no script URL`);
    assert.doesNotMatch(doc, /<meta http-equiv="refresh/, `${subject}: no refresh`);
    await page.waitForTimeout(250);
  }
  assert.equal(await page.evaluate(() => window.__xss), 0, 'no script ran');
  assert.deepEqual(dialogs, [], 'no dialog opened');
  assert.deepEqual(foreignRequests(), [], 'no request left for another host');
  assert.deepEqual(remoteHits, [], 'the remote server was never reached');
  assert.ok(requests.length >= before);
  assert.equal(new URL(page.url()).host, appHost, 'the page did not navigate away');
});

test('remote images stay blocked until allowed for that message', async () => {
  await openMessage('Remote image');
  const bar = page.getByRole('status').filter({ hasText: 'blocked' });
  await bar.waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(foreignRequests(), [], 'nothing fetched before allowing');
  assert.deepEqual(remoteHits, [], 'the remote server was not reached before allowing');
  await page.getByRole('button', { name: 'Show remote content' }).click();
  await bar.waitFor({ state: 'detached' });
  const frameDoc = await page.locator('iframe[title="Message content"]').getAttribute('srcdoc');
  assert.ok(frameDoc.includes(`${remoteHost}/remote/pixel.png`), 'allowed: the image is in the frame');
  // The srcdoc frame inherits the page's CSP, which must admit remote images (the frame's
  // own policy is what holds them back until the user allows them).
  const pageCsp = (await fetch(url)).headers.get('content-security-policy') ?? '';
  const imgSrc = pageCsp.match(/img-src([^;]*)/)?.[1] ?? '';
  assert.match(imgSrc, /\shttp:(\s|$)/, `the page CSP admits remote images: ${pageCsp}`);
  for (let i = 0; i < 100 && !remoteHits.includes('/remote/pixel.png'); i += 1) await page.waitForTimeout(100);
  assert.deepEqual(remoteHits, ['/remote/pixel.png'], 'allowed: the image was fetched');
  // Another message is blocked again.
  const hitsBefore = [...remoteHits];
  await openMessage('XSS CSS loads');
  await page.getByRole('status').filter({ hasText: 'blocked' }).waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(remoteHits, hitsBefore, 'allowing one message allowed only that one');
});

test('remote content allowed for a sender loads in all of their mail, and is remembered', async () => {
  await openMessage('Newsletter one');
  const bar = page.getByRole('status').filter({ hasText: 'blocked' });
  await bar.waitFor();
  assert.ok(!remoteHits.some((h) => h.startsWith('/remote/news')), 'nothing loaded before allowing');
  await page.getByRole('button', { name: 'Always from news@remote.test' }).click();
  await bar.waitFor({ state: 'detached' });
  await eventually(() => remoteHits.includes('/remote/news1.png'), 10_000, 'news1 loaded');
  await openMessage('Newsletter two');
  await eventually(() => remoteHits.includes('/remote/news2.png'), 10_000, 'news2 loaded without asking');
  assert.equal(await bar.count(), 0, 'no blocked bar for a trusted sender');
  const stored = await page.evaluate(() => localStorage.getItem('webimap.trusted-senders'));
  assert.deepEqual(JSON.parse(stored), ['news@remote.test']);
  // Mail from anyone else stays blocked.
  await openMessage('Remote image');
  await bar.waitFor();
});

test('links in plain text mail are clickable, and only web and mail links', async () => {
  await openMessage('Plain links');
  const body = page.getByRole('article').locator('pre.message-body');
  await body.waitFor();
  const hrefs = await body.locator('a').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute('href'), a.getAttribute('rel')]));
  assert.deepEqual(hrefs, [
    ['https://example.org/read-me', 'https://example.org/read-me', 'noopener noreferrer nofollow'],
    ['mailto:ann@example.com', 'mailto:ann@example.com', 'noopener noreferrer nofollow'],
  ]);
  assert.match(await body.innerText(), /not javascript:alert\(1\)\./);
});

test('inline cid: images are shown from the message, and HTML can be switched to text', async () => {
  await openMessage('Inline image');
  const frame = page.locator('iframe[title="Message content"]');
  await page.waitForFunction(() => document.querySelector('iframe[title="Message content"]')
    ?.getAttribute('srcdoc').includes('src="data:image/png;base64,'));
  assert.ok(!(await frame.getAttribute('srcdoc')).includes('cid:'));
  await page.getByRole('button', { name: 'Plain text' }).click();
  await page.getByRole('article').locator('pre').filter({ hasText: 'Logo below' }).waitFor();
  assert.equal(await frame.count(), 0);
  await page.getByRole('button', { name: 'HTML', exact: true }).click();
  await frame.waitFor();
});

test('the sanitiser keeps what mail needs and drops the rest', async () => {
  const hitsBefore = [...remoteHits];
  await openMessage('Sanitiser rules');
  const frame = page.locator('iframe[title="Message content"]');
  await frame.waitFor();
  const doc = await frame.getAttribute('srcdoc');
  const body = doc.slice(doc.indexOf('<body>'));
  assert.match(body, /<a href="https:\/\/example\.org\/kept" rel="noopener noreferrer">kept link<\/a>/);
  for (const gone of ['onclick', 'target=', 'ping=', 'opener"', '/relative-link', 'vbscript', '/logout', 'protocol-relative',
    'relative.png', 'image/svg+xml', 'data-x', 'aria-label', 'id=', 'name=', 'background=', 'table.png', 'hidden comment',
    '<!--', 'javascript', 'expression', 'cite=', 'usemap', 'longdesc', 'coords', '<title']) {
    assert.ok(!body.includes(gone), `${gone} removed: ${body}`);
  }
  for (const kept of [`src="data:image/png;base64,${pixel}"`, 'bgcolor="#ffeecc"', 'cellpadding="2"', 'align="right"',
    '<font face="Arial" color="#123456">font text</font>', '<area rel="noopener noreferrer">', '>jsstyle<', '>expr<']) {
    assert.ok(body.includes(kept), `${kept} kept: ${body}`);
  }
  const mail = page.frameLocator('iframe[title="Message content"]');
  assert.equal(await mail.getByText('Styled from the head').evaluate((el) => getComputedStyle(el).color), 'rgb(7, 8, 9)');
  assert.equal(await page.getByRole('status').filter({ hasText: 'blocked' }).count(), 0, 'dropped relative URLs are not remote content');
  // Its text view: the HTML as text, character references decoded (named ones by the
  // browser's parser, given the reference alone).
  await page.getByRole('button', { name: 'Plain text' }).click();
  const text = page.getByRole('article').locator('pre').filter({ hasText: 'Styled from the head' });
  await text.waitFor();
  assert.match(await text.innerText(), /café ♥ \u2242\u0338 &lt; ☺ &nosuchentity;/);
  await page.getByRole('button', { name: 'HTML', exact: true }).click();
  await frame.waitFor();
  await page.waitForTimeout(250);
  assert.deepEqual(remoteHits, hitsBefore, 'the remote server was not reached');
});

// ---------------------------------------------------------------- attachments

test('attachments download, attached messages open, and the source shows', async () => {
  await openMessage('Attachments');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download notes.txt' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'notes.txt');
  const saved = await download.path();
  assert.equal(fs.readFileSync(saved, 'utf8'), 'Attachment content 42\n');
  assert.equal(new URL(page.url()).host, appHost, 'downloads never navigate the app');

  await page.getByRole('button', { name: 'View Attached message' }).click();
  const dialog = page.getByRole('dialog', { name: 'Attached message' });
  await dialog.getByText('Inner body text').waitFor();
  assert.match(await dialog.innerText(), /Inner subject[\s\S]*Inner Sender/);
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  await page.getByRole('button', { name: 'View source' }).click();
  const source = page.getByRole('dialog', { name: 'Message source' });
  await source.getByText('Subject: Attachments').waitFor();
  assert.match(await source.innerText(), /Content-Type: multipart\/mixed/);
  await source.getByRole('button', { name: 'Close' }).click();
  await source.waitFor({ state: 'detached' });
});

// ---------------------------------------------------------------- big folders

test('a folder of 500 messages keeps a bounded number of rows and scrolls to any place', async () => {
  await openFolder('Bulk');
  await page.getByText('500 messages').waitFor();
  const count = () => page.locator(rowCount).count();
  assert.ok(await count() <= 60, `rows in the DOM: ${await count()}`);
  const first = await rows().first().innerText();
  assert.match(first, /Bulk message 500/, 'newest first');
  // Jump to the middle.
  const scroller = page.locator('#message-list');
  const rowHeight = 60;
  await scroller.evaluate((el, y) => { el.scrollTop = y; }, 250 * rowHeight);
  const middle = page.locator(`${rowCount}[aria-posinset="251"]`);
  await middle.waitFor();
  assert.match(await middle.innerText(), /Bulk message 250/);
  assert.ok(await count() <= 60, `rows after scrolling: ${await count()}`);
  assert.equal(await page.locator('#message-list').getAttribute('aria-multiselectable'), 'true');
});

test('sorting, quick filters and multi-select', async () => {
  const scroller = page.locator('#message-list');
  await scroller.evaluate((el) => { el.scrollTop = 0; });
  await page.getByLabel('Sort by').selectOption('oldest');
  await page.waitForFunction(() => document.querySelector('[role="option"][aria-posinset="1"]')?.innerText.includes('Bulk message 001'));
  await page.getByLabel('Sort by').selectOption('newest');
  await page.getByRole('button', { name: 'Unread', exact: true }).click();
  await page.getByText('50 of 500').waitFor();
  await page.getByRole('button', { name: 'Flagged', exact: true }).click();
  await page.getByText('5 of 500').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Flagged', exact: true }).getAttribute('aria-pressed'), 'true');
  assert.equal(await rows().count(), 5);
  assert.equal(await rows().first().locator('.flag-mark').count(), 1, 'flagged marker');
  await page.getByRole('button', { name: 'Flagged', exact: true }).click();
  await page.getByRole('button', { name: 'Unread', exact: true }).click();
  await page.getByText('500 messages').waitFor();

  const selected = () => page.locator(`${rowCount}[aria-selected="true"]`);
  await rows().nth(1).click({ modifiers: ['Control'] });
  await rows().nth(3).click({ modifiers: ['Shift'] });
  assert.equal(await selected().count(), 3);
  await rows().nth(2).click({ modifiers: ['Control'] });
  assert.equal(await selected().count(), 2);
  await page.locator('#message-list').focus();
  await page.keyboard.press('Control+a');
  await page.waitForFunction((sel) => {
    const all = document.querySelectorAll(sel);
    return all.length > 5 && [...all].every((r) => r.getAttribute('aria-selected') === 'true');
  }, rowCount);
  // The search box filters by subject or sender.
  await page.getByLabel('Search messages').fill('message 123');
  await page.getByText('1 of 500').waitFor();
  await page.getByLabel('Search messages').fill('');
});

test('search finds words in message bodies on the server, and conversations group replies', async () => {
  await openFolder('INBOX');
  const digest = inFolder('INBOX').find((m) => m.subject === 'Your weekly digest');
  assert.ok(digest && digest.body_contains.includes('tidy inbox'), 'the sample has the digest');
  // Neither subject nor sender says "tidy": only the server's SEARCH TEXT finds it.
  await page.getByLabel('Search messages').fill('TIDY inbox');
  await rows().filter({ hasText: 'Your weekly digest' }).waitFor();
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, rowCount);
  await page.getByLabel('Search messages').fill('zzz-no-such-word');
  await page.getByText('No messages match.').waitFor();
  await page.getByLabel('Search messages').fill('');
  await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Messages"] [role="option"]').length >= Math.min(n, 10), inFolder('INBOX').length);

  // Conversation view: the reply sits right under its parent (THREAD=REFERENCES).
  const chip = page.getByRole('button', { name: 'Conversations', exact: true });
  await chip.click();
  assert.equal(await chip.getAttribute('aria-pressed'), 'true');
  await page.locator('.message-row.reply').filter({ hasText: 'Re: Team lunch on Friday' }).waitFor();
  const order = await rows().allInnerTexts();
  const parent = order.findIndex((t) => t.includes('Team lunch on Friday') && !t.includes('Re: '));
  assert.ok(parent >= 0, 'the parent is listed');
  assert.ok(order[parent + 1].includes('Re: Team lunch on Friday'), `the reply follows its parent: ${order.slice(parent, parent + 2)}`);
  assert.match(order[parent], /^2|\n2/, 'the conversation shows its size');
  await page.screenshot({ path: path.join(screenshots, 'conversations.png') });
  await chip.click();
  await page.waitForFunction(() => !document.querySelector('.message-row.reply'));

  // Subject order (server SORT): a reply sorts with its base subject.
  await page.getByLabel('Sort by').selectOption('subject');
  await page.waitForFunction(() => {
    const texts = [...document.querySelectorAll('[aria-label="Messages"] [role="option"] .message-subject')].map((e) => e.textContent);
    const i = texts.findIndex((t) => t.includes('Team lunch on Friday'));
    return i >= 0 && texts[i + 1]?.includes('Team lunch on Friday');
  });
  await page.getByLabel('Sort by').selectOption('newest');
});

test('folders are created, renamed, hidden and deleted from the app, and the server agrees', async () => {
  await imapSession(async (command) => {
    await command('DELETE "E2E Folder/Renamed"', { mayFail: true });
    await command('DELETE "E2E Folder/Child"', { mayFail: true });
    await command('DELETE "E2E Folder"', { mayFail: true });
  });
  await folders().getByRole('button', { name: 'Manage folders' }).click();
  const dialog = page.getByRole('dialog', { name: 'Manage folders' });
  await dialog.waitFor();
  const create = async (name, inside) => {
    await dialog.getByLabel('New folder').fill(name);
    await dialog.getByLabel('Inside').selectOption({ label: inside });
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  };
  // Mistakes are explained in the dialog; nothing reaches the server.
  await create('inbox', '(top level)');
  await dialog.getByRole('alert').filter({ hasText: 'exists already' }).waitFor();

  await create('E2E Folder', '(top level)');
  await dialog.getByRole('button', { name: 'Rename E2E Folder', exact: true }).waitFor();
  await audit('the folder manager');
  await create('Child', 'E2E Folder');
  await dialog.getByRole('button', { name: 'Rename E2E Folder/Child', exact: true }).waitFor();
  let server = await serverFolders();
  assert.ok(server.all.includes('E2E Folder/Child') && server.subscribed.includes('E2E Folder/Child'), JSON.stringify(server));

  await dialog.getByRole('button', { name: 'Rename E2E Folder/Child' }).click();
  await dialog.getByLabel('New name for E2E Folder/Child').fill('Renamed');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.getByRole('button', { name: 'Rename E2E Folder/Renamed', exact: true }).waitFor();
  await folders().getByRole('button', { name: 'Renamed', exact: true }).waitFor();
  server = await serverFolders();
  assert.ok(server.all.includes('E2E Folder/Renamed') && !server.all.includes('E2E Folder/Child'), JSON.stringify(server));

  // Hidden: unsubscribed, gone from the folder pane, still on the server.
  await dialog.getByLabel('Show E2E Folder/Renamed in the folder list').uncheck();
  await eventually(async () => !(await serverFolders()).subscribed.includes('E2E Folder/Renamed'), 5000, 'unsubscribed');
  await page.waitForFunction(() => ![...document.querySelectorAll('nav[aria-label="Folders"] .folder-label')].some((e) => e.textContent === 'Renamed'));
  assert.ok((await serverFolders()).all.includes('E2E Folder/Renamed'));

  for (const name of ['E2E Folder/Renamed', 'E2E Folder']) {
    await dialog.getByRole('button', { name: `Delete ${name}`, exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete folder' }).click();
    // The app says it is done (or why not) before the server is asked.
    await eventually(async () => {
      const toast = await page.locator('.toast-region').innerText();
      if (toast.includes('could not')) throw new Error(toast);
      return toast.includes(`Folder ${name} deleted`);
    }, 10_000, `the app deleting ${name}`);
    const server = await serverFolders();
    assert.ok(!server.all.includes(name), JSON.stringify(server));
    assert.ok(!server.subscribed.includes(name), `no subscription left: ${JSON.stringify(server)}`);
  }
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await folders().getByRole('button', { name: 'E2E Folder', exact: true }).waitFor({ state: 'detached' });
});

// ---------------------------------------------------------------- layout and themes

test('the panes resize by keyboard, and the theme toggles and is remembered', async () => {
  const separator = page.getByRole('separator', { name: 'Resize folders' });
  const before = Number(await separator.getAttribute('aria-valuenow'));
  await separator.focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(Number(await separator.getAttribute('aria-valuenow')), before + 16);
  const width = await page.getByRole('navigation', { name: 'Folders' }).evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(Math.abs(width - (before + 16)) <= 1, `folders pane is ${width}px`);
  // The widths are remembered as a JSON pair of pixel counts.
  const layout = JSON.parse(await page.evaluate(() => localStorage.getItem('webimap.layout')));
  assert.equal(layout.length, 2);
  assert.equal(layout[0], before + 16);
  await page.keyboard.press('ArrowLeft');

  const toggle = page.getByRole('button', { name: 'Dark theme' });
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await background();
  if ((await toggle.getAttribute('aria-pressed')) === 'true') await toggle.click();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
  assert.notEqual(await background(), light);
  await openFolder('INBOX');
  await openMessage('Planning the offsite');
  await page.waitForTimeout(300); // colour transitions
  await page.screenshot({ path: path.join(screenshots, 'dark.png') });
  await toggle.click();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
  // Stored widths are read back at the next start.
  await page.evaluate((w) => localStorage.setItem('webimap.layout', JSON.stringify([w, JSON.parse(localStorage.getItem('webimap.layout'))[1]])), before + 32);
  await page.reload();
  await page.getByLabel('Password', { exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light', 'remembered');
  await signIn(password);
  await openFolder('INBOX');
  assert.equal(Number(await separator.getAttribute('aria-valuenow')), before + 32, 'widths remembered');
  await separator.focus();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.equal(Number(await separator.getAttribute('aria-valuenow')), before);
  await openMessage('Planning the offsite');
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(screenshots, 'light.png') });
});

test('a narrow screen shows one pane at a time with back buttons', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    await page.getByRole('button', { name: 'Messages', exact: true }).click();
    await messages().waitFor();
    assert.ok(!(await page.getByRole('navigation', { name: 'Folders' }).isVisible()));
    assert.ok(!(await page.getByRole('region', { name: 'Reading pane' }).isVisible()));
    await page.screenshot({ path: path.join(screenshots, 'mobile.png') });
    await rows().first().click();
    await page.getByRole('article').waitFor();
    assert.ok(!(await messages().isVisible()));
    await page.getByRole('button', { name: 'Messages', exact: true }).click();
    await messages().waitFor();
    await page.getByRole('button', { name: 'Folders', exact: true }).click();
    await page.getByRole('navigation', { name: 'Folders' }).waitFor();
    await folders().getByRole('button', { name: 'INBOX', exact: true }).click();
    await messages().waitFor();
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

// ---------------------------------------------------------------- keyboard

test('keyboard only: sign in, move, open, go back, search, shortcuts', async () => {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await page.goto(url);
  await page.getByLabel('Server', { exact: true }).waitFor();
  // The form remembers everything but the password.
  for (let i = 0; i < 15 && await page.evaluate(() => document.activeElement?.id) !== 'password'; i += 1) {
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'password');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
  await messages().waitFor();
  await rows().first().waitFor();
  const newest = [...inFolder('INBOX')].sort((a, b) => b.unix_time - a.unix_time);
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  await page.keyboard.press('o');
  const first = newest[0].subject || '(no subject)';
  await page.getByRole('article').getByRole('heading', { name: first }).waitFor();
  await page.keyboard.press('j');
  await page.getByRole('article').getByRole('heading', { name: newest[1].subject || '(no subject)' }).waitFor();
  await page.keyboard.press('u');
  await page.getByText('Select a message to read it.').waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('article').waitFor();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'detached' });
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  await page.keyboard.type('Welcome');
  await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, rowCount);
  await page.keyboard.press('Escape');
  await page.getByLabel('Search messages').fill('');
  await folders().getByRole('button', { name: 'Sent', exact: true }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Sent', exact: true }).waitFor();
  await page.locator('#message-list').focus();
  await page.keyboard.press('g');
  await page.keyboard.press('i');
  await page.getByRole('heading', { name: 'INBOX', exact: true }).waitFor();
});

// ---------------------------------------------------------------- actions

const run = Date.now().toString(36);
const act = (name) => `Act ${run} ${name}`;
const has = (list, subject) => list.some((m) => m.subject === subject);
const flagsOf = (list, subject) => list.find((m) => m.subject === subject)?.flags ?? [];
const toast = () => page.locator('.toast');

test('flag, read state, move, undo, delete to Trash and for good leave the server right', async () => {
  await imapSession(async (command) => {
    await freshFolder(command, 'Actions');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      await command('APPEND "Actions"', { literal: crlf(`From: Ann <ann@example.com>\nSubject: ${act(name)}\nDate: Mon, 2 Jun 2025 10:00:00 +0000\nContent-Type: text/plain\n\nBody ${name}\n`) });
    }
  });
  await signIn(password);
  await openFolder('Actions');
  await page.waitForFunction(([sel, n]) => document.querySelectorAll(sel).length === n, [rowCount, 4]);

  // Opening marks read (the default); s flags; shift+U marks unread again.
  await openMessage(act('alpha'));
  await eventually(async () => flagsOf(await serverMessages('Actions'), act('alpha')).includes('\\Seen'), 5000, 'alpha read on the server');
  await page.keyboard.press('s');
  await rows().filter({ hasText: act('alpha') }).locator('.flag-mark').waitFor();
  await eventually(async () => flagsOf(await serverMessages('Actions'), act('alpha')).includes('\\Flagged'), 5000, 'alpha flagged');
  await page.keyboard.press('Shift+U');
  await eventually(async () => !flagsOf(await serverMessages('Actions'), act('alpha')).includes('\\Seen'), 5000, 'alpha unread');

  // Move through the menu: gone from the list at once, on the server in Work.
  await page.getByRole('toolbar', { name: 'Message actions' }).getByRole('button', { name: 'Move to…' }).click();
  await page.getByRole('dialog', { name: 'Move to folder' }).getByRole('button', { name: 'Work', exact: true }).click();
  await rows().filter({ hasText: act('alpha') }).waitFor({ state: 'detached' });
  await toast().filter({ hasText: 'moved to Work' }).waitFor();
  await eventually(async () => has(await serverMessages('Work'), act('alpha')) && !has(await serverMessages('Actions'), act('alpha')), 5000, 'alpha in Work');

  // Undo moves it back.
  await toast().getByRole('button', { name: 'Undo' }).click();
  await rows().filter({ hasText: act('alpha') }).waitFor();
  assert.ok(has(await serverMessages('Actions'), act('alpha')), 'alpha is back in Actions');
  assert.ok(!has(await serverMessages('Work'), act('alpha')), 'and no longer in Work');

  // # deletes to Trash, with undo offered.
  await openMessage(act('beta'));
  await page.keyboard.press('#');
  await rows().filter({ hasText: act('beta') }).waitFor({ state: 'detached' });
  await toast().filter({ hasText: 'moved to Trash' }).getByRole('button', { name: 'Undo' }).waitFor();
  await eventually(async () => has(await serverMessages('Trash'), act('beta')) && !has(await serverMessages('Actions'), act('beta')), 5000, 'beta in Trash');

  // e archives; drag and drop moves to the folder dropped on.
  await openMessage(act('gamma'));
  await page.keyboard.press('e');
  await toast().filter({ hasText: 'archived' }).waitFor();
  await eventually(async () => has(await serverMessages('Archive'), act('gamma')), 5000, 'gamma archived');
  await rows().filter({ hasText: act('delta') }).dragTo(folders().getByRole('button', { name: 'Junk', exact: true }));
  await rows().filter({ hasText: act('delta') }).waitFor({ state: 'detached' });
  await eventually(async () => has(await serverMessages('Junk'), act('delta')), 5000, 'delta dropped on Junk');
  assert.deepEqual((await serverMessages('Actions')).map((m) => m.subject), [act('alpha')]);

  // In Trash, delete asks first, then deletes for good.
  await openFolder('Trash');
  await openMessage(act('beta'));
  await page.keyboard.press('#');
  const confirm = page.getByRole('dialog', { name: 'Delete for good?' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: 'Delete for good' }).click();
  await rows().filter({ hasText: act('beta') }).waitFor({ state: 'detached' });
  await eventually(async () => !has(await serverMessages('Trash'), act('beta')), 5000, 'beta gone from Trash');
  await page.screenshot({ path: path.join(screenshots, 'actions.png') });
  await openFolder('INBOX');
});

test('another client appends and flags mail while INBOX is shown: the UI shows both, live', async () => {
  await page.getByRole('heading', { name: 'INBOX', exact: true }).waitFor();
  // A message near the top (the list keeps only the rows in view in the DOM).
  const target = [...inFolder('INBOX')].sort((a, b) => b.unix_time - a.unix_time)
    .find((m) => !m.flagged && m.subject && /^[\x20-\x7e]+$/.test(m.subject));
  const unreadBefore = await folders().locator('.folder-item', { hasText: 'INBOX' }).locator('.folder-count').innerText().catch(() => '0');
  const subject = `Live ${run} arrival`;
  await imapSession(async (command, output) => {
    await command('SELECT "INBOX"');
    const from = output().length;
    await command(`UID SEARCH SUBJECT "${target.subject}"`);
    const uid = output().slice(from).match(/\* SEARCH (\d+)/)[1];
    await command('APPEND "INBOX"', { literal: crlf(`From: Live <live@example.com>\nSubject: ${subject}\nDate: ${new Date().toUTCString()}\nContent-Type: text/plain\n\nlive\n`) });
    await command(`UID STORE ${uid} +FLAGS (\\Flagged)`);
  });
  // The timeout bounds a hang; it is not a speed target (timed assertions flake on a loaded machine).
  await page.waitForFunction(([sel, subject, flagged]) => {
    const all = [...document.querySelectorAll(sel)];
    const arrived = all[0]?.innerText.includes(subject);
    const flag = all.find((r) => r.innerText.includes(flagged))?.querySelector('.flag-mark');
    return arrived && flag;
  }, [rowCount, subject, target.subject], { timeout: 10000 });
  const unreadAfter = await folders().locator('.folder-item', { hasText: 'INBOX' }).locator('.folder-count').innerText();
  assert.equal(parseInt(unreadAfter, 10), parseInt(unreadBefore, 10) + 1, 'the unread count follows');
  // And back, from the other client: the flag goes and the new message is removed.
  await imapSession(async (command, output) => {
    await command('SELECT "INBOX"');
    let from = output().length;
    await command(`UID SEARCH SUBJECT "${target.subject}"`);
    const uid = output().slice(from).match(/\* SEARCH (\d+)/)[1];
    from = output().length;
    await command(`UID SEARCH SUBJECT "${subject}"`);
    const added = output().slice(from).match(/\* SEARCH (\d+)/)[1];
    await command(`UID STORE ${uid} -FLAGS (\\Flagged)`);
    await command(`UID STORE ${added} +FLAGS (\\Deleted)`);
    await command(`UID EXPUNGE ${added}`);
  });
  await page.waitForFunction(([sel, subject, flagged]) => {
    const all = [...document.querySelectorAll(sel)];
    const gone = !all.some((r) => r.innerText.includes(subject));
    const row = all.find((r) => r.innerText.includes(flagged));
    return gone && row && !row.querySelector('.flag-mark');
  }, [rowCount, subject, target.subject], { timeout: 2000 });
});

// ---------------------------------------------------------------- accessibility

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function audit(name) {
  // Evaluated, not added as a <script>: the page's CSP allows no inline script.
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, { iframes: false, resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`), [],
    `axe on ${name}`);
}

test('axe-core finds no serious or critical problems on any screen', async () => {
  await openMessage(inFolder('INBOX').find((m) => m.has_attachment).subject);
  await audit('an open message');
  // The list in conversation view, with a search running.
  await page.getByRole('button', { name: 'Conversations', exact: true }).click();
  await page.getByLabel('Search messages').fill('lunch');
  await page.locator('.message-row.reply').first().waitFor();
  await audit('conversations and search');
  await page.getByLabel('Search messages').fill('');
  await page.getByRole('button', { name: 'Conversations', exact: true }).click();
  await page.locator('#message-list').focus();
  await page.keyboard.press('u');
  await audit('the mailbox');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await audit('the sign-in screen');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

// ---------------------------------------------------------------- app security

test('the app runs under the relay\'s strict CSP without a single violation', async () => {
  const csp = (await fetch(url)).headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /script-src[^;]*unsafe-inline/);
  assert.match(csp, /connect-src 'self' ws:\/\/[^ ;]+ wss:\/\/[^ ;]+/);
  await signIn(password);
  await openFolder('INBOX');
  await openMessage('Planning the offsite');
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('dialog', { name: 'Settings' }).getByRole('checkbox').waitFor();
  await page.keyboard.press('Escape');
  // HTML mail keeps its own styles (sheets and style attributes) inside its frame.
  await openFolder('Hostile');
  await openMessage('Styled mail');
  const mail = page.frameLocator('iframe[title="Message content"]');
  const color = (text) => mail.getByText(text).evaluate((el) => getComputedStyle(el).color);
  assert.equal(await color('Styled by a sheet'), 'rgb(1, 2, 3)');
  assert.equal(await color('Styled inline'), 'rgb(4, 5, 6)');
  await openFolder('Bulk');
  await page.locator('#message-list').evaluate((el) => { el.scrollTop = 6000; });
  await page.waitForTimeout(300);
  assert.deepEqual(await page.evaluate(() => window.__csp), [], 'no securitypolicyviolation in the page');
  assert.deepEqual(cspConsole, [], 'no CSP message in the console');
});

test('without its sanitiser the app shows HTML mail as escaped source, never as markup', async () => {
  const main = page;
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  try {
    await page.route(/\/purify\.min-[0-9a-f]+\.js$/, (route) => route.abort());
    await page.addInitScript(() => { window.__xss = 0; });
    await signIn(password);
    await folders().waitFor();
    await openFolder('Hostile');
    await openMessage('XSS event handlers');
    const doc = await page.locator('iframe[title="Message content"]').getAttribute('srcdoc');
    assert.match(doc, /could not be made safe to show/);
    assert.ok(doc.includes('&lt;img src=x onerror='), doc);
    assert.ok(!/<img|<body onload|<div onmouseover|<details/i.test(doc), doc);
    assert.equal(await page.evaluate(() => window.__xss), 0, 'no script ran');
  } finally {
    await context.close();
    page = main;
  }
});

// ---------------------------------------------------------------- writing mail

// Real Dovecot submission through the real relay, TLS in the browser (STARTTLS on the
// 587-style port, implicit TLS on the 465-style one), delivering through LMTP.
const submissionPort = setting('WEBIMAP_E2E_SUBMISSION_PORT');
const submissionsPort = setting('WEBIMAP_E2E_SUBMISSIONS_PORT');
const ownAddress = setting('WEBIMAP_E2E_ADDRESS');
const second = {
  login: setting('WEBIMAP_E2E_SECOND_USER'),
  pass: setting('WEBIMAP_E2E_SECOND_PASSWORD'),
  address: setting('WEBIMAP_E2E_SECOND_ADDRESS'),
};
const unique = (what) => `${what} ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const sha256 = (data) => createHash('sha256').update(data).digest('hex');

// Signs in (IMAP without TLS on loopback, the demo CA for the outgoing server's TLS) with
// the outgoing server set, and sets the identity's address.
async function signInToSend({ smtpSecurity = 'starttls', smtpPort = submissionPort, smtpPassword = '' } = {}) {
  await page.goto(url);
  await page.getByLabel('Server', { exact: true }).fill(imapHost);
  await page.getByLabel('Security', { exact: true }).selectOption('none');
  await page.getByLabel('Port', { exact: true }).fill(imapPort);
  await page.getByText('Outgoing mail (SMTP)').click();
  await page.getByLabel('Outgoing server', { exact: true }).fill('localhost');
  await page.getByLabel('Outgoing security', { exact: true }).selectOption(smtpSecurity);
  await page.getByLabel('Outgoing port', { exact: true }).fill(smtpPort);
  await page.getByLabel('Outgoing password', { exact: true }).fill(smtpPassword);
  await page.getByText('Advanced').click();
  await page.getByLabel('Extra CA certificate (PEM)').fill(caPem);
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await folders().waitFor();
  await page.getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('dialog', { name: 'Settings' });
  await settings.getByLabel('Email address (identity 1)').fill(ownAddress);
  await settings.getByLabel('Name (identity 1)').fill('Demo User');
  await settings.getByRole('button', { name: 'Save identities' }).click();
  await settings.getByText('Identities saved.').waitFor();
  await page.keyboard.press('Escape');
}

const composePane = () => page.locator('section.compose');

// Fills a compose: recipients (typed, then committed by leaving the field), subject, text.
async function fill({ to = [], cc = [], bcc = [], subject, text }) {
  const pane = composePane();
  for (const [label, list] of [['To', to], ['Cc', cc], ['Bcc', bcc]]) {
    if (!list.length) continue;
    if (label !== 'To' && !(await pane.getByLabel('Cc', { exact: true }).isVisible())) {
      await pane.getByRole('button', { name: 'Add Cc and Bcc' }).click();
    }
    await pane.getByLabel(label, { exact: true }).fill(list.join(', '));
    await pane.getByLabel(label, { exact: true }).press('Enter');
  }
  if (subject !== undefined) await pane.getByLabel('Subject', { exact: true }).fill(subject);
  if (text !== undefined) await pane.getByLabel('Message', { exact: true }).fill(text);
}

// The raw messages of `folder` whose subject contains `subject`, as `login` sees them.
async function rawMessages(folder, subject, creds = {}) {
  const found = [];
  await imapSession(async (command, output) => {
    await command(`EXAMINE "${folder}"`);
    let from = output().length;
    await command(`UID SEARCH SUBJECT "${subject}"`);
    const uids = (output().slice(from).match(/^\* SEARCH([\d ]*)\r$/m)?.[1] ?? '').trim().split(' ').filter(Boolean);
    for (const uid of uids) {
      from = output().length;
      await command(`UID FETCH ${uid} (FLAGS BODY.PEEK[])`);
      const text = output().slice(from);
      const m = text.match(/\{(\d+)\}\r\n/);
      const start = m.index + m[0].length;
      const raw = Buffer.from(text.slice(start), 'utf8').subarray(0, Number(m[1])).toString('utf8');
      const flags = (text.match(/FLAGS \(([^)]*)\)/)?.[1] ?? '').split(' ').filter(Boolean);
      found.push({ raw, flags });
    }
  }, creds);
  return found;
}

// Waits until `folder` holds a message with `subject` (delivery is asynchronous).
const delivered = (folder, subject, creds) => eventually(async () => {
  const found = await rawMessages(folder, subject, creds);
  return found.length ? found : null;
}, 20_000, `${subject} in ${folder}`);

const headersOf = (raw) => raw.split(/\r\n\r\n/)[0];

// The decoded bytes of the attachment called `name` in a raw (base64) message.
function attachmentOf(raw, name) {
  const at = raw.indexOf(`filename="${name}"`);
  assert.ok(at >= 0, `no attachment ${name}`);
  const body = raw.slice(raw.indexOf('\r\n\r\n', at) + 4);
  return Buffer.from(body.slice(0, body.indexOf('\r\n--')).replace(/\s+/g, ''), 'base64');
}

async function sentToast() {
  await page.locator('.toast').filter({ hasText: 'Message sent' }).waitFor({ timeout: 30_000 });
}

test('a message with an attachment goes out over STARTTLS (587); Bcc is delivered and shows nowhere; undo holds it back', async () => {
  await signInToSend();
  const subject = unique('Compose 587');
  const payload = Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919 + 13) % 256));
  // c opens a compose (keyboard), with the focus in To.
  await page.keyboard.press('c');
  await composePane().waitFor();
  await fill({ to: [ownAddress], bcc: [second.address], subject, text: 'Hello from the app.\n.\n..\nEnd.' });
  await composePane().locator('input[type=file]').setInputFiles({ name: 'payload.bin', mimeType: 'application/octet-stream', buffer: payload });
  await composePane().getByText('payload.bin').waitFor();
  // Send, then Undo: nothing leaves, everything stays.
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  await composePane().getByRole('button', { name: 'Undo' }).click();
  assert.equal(await composePane().getByLabel('Subject', { exact: true }).inputValue(), subject);
  await page.waitForTimeout(6000);
  assert.equal((await rawMessages('INBOX', subject, second)).length, 0, 'an undone send is not sent');
  // Ctrl+Enter sends (after the undo delay).
  await composePane().getByLabel('Message', { exact: true }).press('Control+Enter');
  await sentToast();
  assert.equal(await composePane().count(), 0, 'the compose closes once sent');
  const [bccCopy] = await delivered('INBOX', subject, second);
  assert.equal(sha256(attachmentOf(bccCopy.raw, 'payload.bin')), sha256(payload), 'the attachment arrives intact');
  const [toCopy] = await delivered('INBOX', subject);
  assert.doesNotMatch(headersOf(toCopy.raw), /^Bcc:/im, 'no Bcc header is delivered');
  assert.ok(!headersOf(toCopy.raw).includes(second.address), 'the Bcc address is in no delivered header');
  assert.match(toCopy.raw, /\r\n\.\r\n\.\.\r\nEnd\./, 'lines of dots arrive as written');
  // One copy in Sent (with the Bcc kept there), no draft left.
  const sent = await eventually(async () => {
    const found = await rawMessages('Sent', subject);
    return found.length ? found : null;
  }, 15_000, 'the Sent copy');
  assert.equal(sent.length, 1, 'exactly one copy in Sent');
  assert.ok(sent[0].flags.includes('\\Seen'));
  assert.match(headersOf(sent[0].raw), new RegExp(`^Bcc:.*${escape(second.address)}`, 'im'), 'the kept copy keeps Bcc');
  await page.waitForTimeout(1000);
  assert.equal((await rawMessages('Drafts', subject)).length, 0, 'no draft left');
});

test('a message goes out over implicit TLS (465) from the Compose button', async () => {
  await signInToSend({ smtpSecurity: 'tls', smtpPort: submissionsPort });
  const subject = unique('Compose 465');
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [second.address], subject, text: 'Over implicit TLS.' });
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  await sentToast();
  const [copy] = await delivered('INBOX', subject, second);
  assert.match(headersOf(copy.raw), /^From: "?Demo User"? <demo@/im);
  assert.match(copy.raw, /Over implicit TLS\./);
});

test('a reply threads (In-Reply-To, References) and marks the original answered', async () => {
  const subject = unique('Question');
  const id = `${subject.replace(/\W+/g, '.')}@webimap.test`;
  await imapSession(async (command) => {
    await command('APPEND "INBOX"', { literal: crlf(`From: Second <${second.address}>\nTo: Demo <${ownAddress}>\nSubject: ${subject}\nDate: Mon, 7 Dec 2026 10:00:00 +0000\nMessage-ID: <${id}>\nContent-Type: text/plain\n\nCan you answer?\n`) });
  });
  await signInToSend();
  await openFolder('INBOX');
  await openMessage(subject);
  // r replies (keyboard), to the sender, with the original quoted.
  await page.keyboard.press('r');
  await composePane().waitFor();
  const pane = composePane();
  await pane.getByText(second.address).first().waitFor();
  assert.equal(await pane.getByLabel('Subject', { exact: true }).inputValue(), `Re: ${subject}`);
  assert.match(await pane.getByLabel('Message', { exact: true }).inputValue(), /> Can you answer\?/);
  await pane.getByLabel('Message', { exact: true }).press('Control+Home');
  await pane.getByLabel('Message', { exact: true }).pressSequentially('Yes.');
  await pane.getByRole('button', { name: 'Send', exact: true }).click();
  await sentToast();
  const [answer] = await delivered('INBOX', `Re: ${subject}`, second);
  assert.match(headersOf(answer.raw), new RegExp(`^In-Reply-To: <${escape(id)}>`, 'im'));
  assert.match(headersOf(answer.raw), new RegExp(`^References:[^\\r]*<${escape(id)}>`, 'im'));
  await eventually(async () => (await rawMessages('INBOX', subject)).some((m) => !m.raw.includes('In-Reply-To') && m.flags.includes('\\Answered')),
    10_000, 'the original marked \\Answered');
});

test('a forward (f) carries the original and its attachment, and marks the original $Forwarded', async () => {
  const subject = unique('Report');
  // Binary, so it travels as base64 both ways and its bytes can be compared.
  const notes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 31 + 7) % 256));
  await imapSession(async (command) => {
    await command('APPEND "INBOX"', { literal: crlf(`From: Second <${second.address}>\nTo: Demo <${ownAddress}>\nSubject: ${subject}\nDate: Mon, 7 Dec 2026 11:00:00 +0000\nMessage-ID: <${subject.replace(/\W+/g, '.')}@webimap.test>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nThe report is attached.\n--b\nContent-Type: application/octet-stream; name="numbers.bin"\nContent-Disposition: attachment; filename="numbers.bin"\nContent-Transfer-Encoding: base64\n\n${notes.toString('base64')}\n--b--\n`) });
  });
  await signInToSend();
  await openFolder('INBOX');
  await openMessage(subject);
  await page.keyboard.press('f');
  await composePane().waitFor();
  assert.equal(await composePane().getByLabel('Subject', { exact: true }).inputValue(), `Fwd: ${subject}`);
  await composePane().getByText('numbers.bin').waitFor();
  await fill({ to: [second.address] });
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  await sentToast();
  const [copy] = await delivered('INBOX', `Fwd: ${subject}`, second);
  assert.match(copy.raw, /The report is attached\./);
  assert.equal(sha256(attachmentOf(copy.raw, 'numbers.bin')), sha256(notes), 'the attachment arrives intact');
  await eventually(async () => (await rawMessages('INBOX', subject)).some((m) => !/^Subject: Fwd/im.test(m.raw) && m.flags.includes('$Forwarded')),
    10_000, 'the original marked $Forwarded');
});

test('a draft is autosaved, survives a reload, reopens from Drafts, and once sent leaves one in Sent and none in Drafts', async () => {
  await signInToSend();
  const subject = unique('Draft');
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [second.address], subject, text: 'First version.' });
  await composePane().getByText('Draft saved').waitFor({ timeout: 15_000 });
  const drafts = await rawMessages('Drafts', subject);
  assert.equal(drafts.length, 1, 'one draft on the server');
  assert.ok(drafts[0].flags.includes('\\Draft'));
  // More typing replaces the draft (one per compose).
  await composePane().getByLabel('Message', { exact: true }).fill('Second version.');
  await eventually(async () => {
    const now = await rawMessages('Drafts', subject);
    return now.length === 1 && now[0].raw.includes('Second version.');
  }, 15_000, 'the draft replaced');
  await page.reload();
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await openFolder('Drafts');
  await openMessage(subject);
  await page.getByRole('button', { name: 'Edit draft' }).click();
  await composePane().waitFor();
  const text = composePane().getByLabel('Message', { exact: true });
  assert.match(await text.inputValue(), /Second version\./);
  await text.fill('Final version.');
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  await sentToast();
  const [copy] = await delivered('INBOX', subject, second);
  assert.match(copy.raw, /Final version\./);
  await eventually(async () => (await rawMessages('Sent', subject)).length === 1, 15_000, 'one copy in Sent');
  await eventually(async () => (await rawMessages('Drafts', subject)).length === 0, 15_000, 'no draft left');
});

test('a wrong outgoing password and an unknown recipient are said in words; the compose keeps everything', async () => {
  await signInToSend({ smtpPassword: 'not-the-password' });
  const subject = unique('Refused');
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [second.address], subject, text: 'Kept.' });
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  const alert = composePane().getByRole('alert');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.innerText(), /password/i);
  assert.equal(await composePane().getByLabel('Subject', { exact: true }).inputValue(), subject);
  assert.equal(await composePane().getByLabel('Message', { exact: true }).inputValue(), 'Kept.');
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('not-the-password'), 'the outgoing password is not stored');

  await signInToSend();
  const nobody = 'nobody-here@webimap.test';
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [nobody], subject, text: 'Kept too.' });
  await composePane().getByRole('button', { name: 'Send', exact: true }).click();
  await composePane().getByRole('alert').waitFor({ timeout: 30_000 });
  const refused = await composePane().getByRole('alert').innerText();
  assert.ok(refused.includes(nobody), `the unknown recipient is named: ${refused}`);
  assert.equal(await composePane().getByLabel('Message', { exact: true }).inputValue(), 'Kept too.');
  await page.waitForTimeout(1000);
  assert.equal((await rawMessages('Sent', subject)).length, 0, 'nothing filed as sent');
});

test('an attachment too big for the server is refused before any upload', async () => {
  await signInToSend();
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [second.address], subject: unique('Too big') });
  // 32 MiB grows past the server's 40 MiB SIZE once base64-encoded.
  const big = Buffer.alloc(32 * 1024 * 1024, 7);
  await composePane().locator('input[type=file]').setInputFiles({ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: big });
  const alert = composePane().getByRole('alert');
  await alert.waitFor({ timeout: 60_000 });
  assert.match(await alert.innerText(), /huge\.bin.*not attached.*Too big/s);
  assert.equal(await composePane().getByRole('list', { name: 'Attachments' }).count(), 0);
  await composePane().getByRole('button', { name: 'Close' }).click();
});

test('axe-core finds no serious or critical problems in the compose pane', async () => {
  await signInToSend();
  await page.getByRole('button', { name: 'Compose', exact: true }).click();
  await fill({ to: [second.address], cc: [ownAddress], subject: 'Axe', text: 'Checked.' });
  await audit('the compose pane');
  await page.screenshot({ path: path.join(screenshots, 'compose.png') });
  await composePane().getByLabel('Rich text').check();
  await composePane().getByRole('toolbar', { name: 'Formatting' }).waitFor();
  await audit('the rich-text editor');
  // Pasted HTML is sanitised before it enters the editor (part of the app's own page).
  const editor = composePane().getByRole('textbox', { name: 'Message' });
  await editor.click();
  await editor.evaluate((el) => {
    const data = new DataTransfer();
    data.setData('text/html', '<p>Pasted <b>bold</b> <a href="javascript:parent.__xss=1">js</a> <a href="https://example.org/">web</a></p><img src=x onerror="window.__xss=1"><script>window.__xss=1</script><p style="color:red" onclick="window.__xss=1">styled</p>');
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await editor.getByText('styled').waitFor();
  const pasted = await editor.evaluate((el) => el.innerHTML);
  assert.match(pasted, /<b>bold<\/b>/, 'formatting is kept, as markup without styles');
  assert.match(pasted, /href="https:\/\/example\.org\/"/);
  assert.doesNotMatch(pasted, /<img|<script|onerror|onclick|javascript:|color: ?red/i, pasted);
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => window.__xss), 0, 'no pasted script ran');
  await page.setViewportSize({ width: 390, height: 780 });
  await page.screenshot({ path: path.join(screenshots, 'compose-narrow.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  await composePane().getByRole('button', { name: 'Minimise' }).click();
  await page.getByRole('button', { name: 'Restore Axe' }).waitFor();
  await audit('a minimised compose');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

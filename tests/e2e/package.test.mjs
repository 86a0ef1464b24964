// The npm package (webimap-js, built by wasm-pack and packed by npm) in headless Chromium:
// its example page, served by the real relay, talks TLS to the real Dovecot from the page.
// Run by `cargo xtask test`, which sets WEBIMAP_PKG_* and WEBIMAP_E2E_* variables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium } from 'playwright-core';

function setting(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the package test with \`cargo xtask test\``);
  return value;
}

const url = setting('WEBIMAP_PKG_URL');
const tarball = setting('WEBIMAP_PKG_TARBALL');
const imapsPort = setting('WEBIMAP_E2E_IMAPS_PORT');
const caPem = fs.readFileSync(setting('WEBIMAP_E2E_CA_PEM_PATH'), 'utf8');
const user = setting('WEBIMAP_E2E_USER');
const address = setting('WEBIMAP_E2E_ADDRESS');
const submissionsPort = setting('WEBIMAP_E2E_SUBMISSIONS_PORT');
const secondUser = setting('WEBIMAP_E2E_SECOND_USER');
const secondPassword = setting('WEBIMAP_E2E_SECOND_PASSWORD');
const secondAddress = setting('WEBIMAP_E2E_SECOND_ADDRESS');
const password = setting('WEBIMAP_E2E_PASSWORD');
const sample = JSON.parse(fs.readFileSync(setting('WEBIMAP_E2E_SAMPLE'), 'utf8'));
const inbox = sample.filter((m) => m.folder === 'INBOX');

let browser;
before(async () => {
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => browser?.close());

async function connectedPage() {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.getByLabel('Port', { exact: true }).fill(imapsPort);
  await page.getByLabel('Extra CA certificate (PEM)').fill(caPem);
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Connect' }).click();
  // At least the sample mail: the app suite, run before on the same Dovecot, sends and
  // appends to this INBOX too.
  await page.waitForFunction((n) => document.querySelectorAll('#messages li').length >= n, inbox.length);
  return { page, errors };
}

test('npm pack produced an installable tarball with types', () => {
  const stat = fs.statSync(tarball);
  assert.ok(stat.size > 100_000, `tarball is ${stat.size} bytes`);
});

test('the example page lists folders and INBOX, and hears new mail through IDLE', async () => {
  const { page, errors } = await connectedPage();
  const log = await page.locator('#log').innerText();
  assert.match(log, /logged in with ScramSha256/);
  const folders = await page.locator('#folders li').allInnerTexts();
  assert.ok(folders.some((f) => f.trim().startsWith('INBOX')), folders.join(', '));
  assert.ok(folders.some((f) => f.includes('Projects')), folders.join(', '));
  const subjects = await page.locator('#messages li').allInnerTexts();
  for (const m of inbox.filter((x) => x.subject)) {
    assert.ok(subjects.some((s) => s.includes(m.subject)), `lists ${m.subject}`);
  }

  // A second page (another session) appends; the first shows it without reloading.
  const second = await connectedPage();
  await second.page.evaluate(async () => {
    const message = new TextEncoder().encode(
      'From: Second Tab <tab@example.com>\r\nSubject: Delivered while idling\r\n\r\nhello\r\n');
    await window.webimapClient.append('INBOX', message);
  });
  await page.waitForFunction(() =>
    [...document.querySelectorAll('#messages li')].some((li) => li.textContent.includes('Delivered while idling')));
  assert.match(await page.locator('#log').innerText(), /"kind":"newMessages"/);
  assert.deepEqual([...errors, ...second.errors], []);
});

test('the example page sends a message (TLS in the page) and shows its Message-ID', async () => {
  const page = await browser.newPage();
  page.setDefaultTimeout(20_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.getByLabel('Extra CA certificate (PEM)').fill(caPem);
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('SMTP port').fill(submissionsPort);
  await page.getByLabel('SMTP security').selectOption('tls');
  await page.getByLabel('From', { exact: true }).fill(`Demo <${address}>`);
  await page.getByLabel('To', { exact: true }).fill(secondAddress);
  const subject = `From the example page ${Date.now()}`;
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Message', { exact: true }).fill('Hello from the webimap-js example page.');
  await page.getByRole('button', { name: 'Send' }).click();
  const status = page.getByRole('status');
  await page.waitForFunction(() => /^(Sent|Not sent)/.test(document.getElementById('sent').textContent));
  const shown = await status.innerText();
  assert.match(shown, /^Sent: Message-ID <[0-9a-f]{32}@webimap\.test> to /, shown);
  assert.ok(shown.includes(secondAddress), shown);
  const messageId = shown.match(/<([^>]+)>/)[1];

  // The recipient has it: the page's own ImapClient, signed in as the second user.
  const found = await page.evaluate(async ({ imapsPort, caPem, secondUser, secondPassword, subject }) => {
    const { ImapClient } = await import('./webimap.js');
    const relayUrl = `ws://${location.host}/relay`;
    const client = await ImapClient.connect({ relayUrl, host: 'localhost', port: Number(imapsPort), security: 'tls', caPem });
    await client.login(secondUser, secondPassword);
    await client.select('INBOX');
    const uids = await client.search({ subject });
    const summaries = uids.length ? await client.fetchSummaries(uids) : [];
    await client.logout();
    return summaries.map((m) => m.messageId);
  }, { imapsPort, caPem, secondUser, secondPassword, subject });
  assert.equal(found.length, 1, `the second user has the message once: ${found}`);
  assert.ok(found[0].includes(messageId), `${found[0]} is ${messageId}`);
  assert.deepEqual(errors, []);
});

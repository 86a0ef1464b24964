// The webimap app end to end: its release build served by the real relay, driven in
// Debian's headless Chromium against a real Dovecot with the sample mail.
// Run by `cargo xtask test`, which starts everything and sets the WEBIMAP_E2E_* variables.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

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
});

after(async () => {
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
const messages = () => page.getByRole('list', { name: 'Messages' });
const rows = () => messages().getByRole('listitem');

test('a wrong password is reported in words, and nothing is remembered', async () => {
  await signIn('not-the-password');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match((await alert.innerText()).toLowerCase(), /password|user name|username|credentials/);
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes('not-the-password'), `the password reached localStorage: ${stored}`);
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
    (n) => document.querySelectorAll('[aria-label="Messages"] li').length === n, inbox.length);
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
    await messages().getByRole('button', { name: new RegExp(escape(m.subject)) })
      .or(messages().getByRole('link', { name: new RegExp(escape(m.subject)) })).first().click();
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
      (n) => document.querySelectorAll('[aria-label="Messages"] li').length === n, expected.length);
    const texts = await rows().allInnerTexts();
    for (const m of expected) {
      assert.ok(texts.some((t) => t.includes(m.subject)), `${folder} lists ${m.subject}`);
    }
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
      (n) => document.querySelectorAll('[aria-label="Messages"] li').length === n, inFolder('INBOX').length);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes(password), 'the password never reaches localStorage');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
}

// Header sync (UID, FLAGS, ENVELOPE) of a large mailbox in headless Chromium, through the
// relay, with and without COMPRESS. Run by bench/sync.sh, which starts everything.
import fs from 'node:fs';
import { chromium } from '../tests/e2e/node_modules/playwright-core/index.mjs';

const [url, imapPort, imapsPort, caPath, expected] = process.argv.slice(2);
const caPem = fs.readFileSync(caPath, 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage();
page.setDefaultTimeout(600_000);
await page.goto(url);
await page.waitForFunction(() => window.benchReady === true);
console.log(`${'mode'.padEnd(24)} ${'time'.padStart(10)} ${'bytes in'.padStart(14)} ${'messages/s'.padStart(14)}`);
for (const [label, security, port, compress] of [
  ['browser plain', 'none', imapPort, false],
  ['browser plain + COMPRESS', 'none', imapPort, true],
  ['browser TLS', 'tls', imapsPort, false],
  ['browser TLS + COMPRESS', 'tls', imapsPort, true],
]) {
  const r = await page.evaluate((o) => window.runBench(o),
    { port: Number(port), security, caPem, compress, user: 'demo', password: 'demo-password' });
  if (r.count !== Number(expected)) throw new Error(`${label}: ${r.count} of ${expected} messages`);
  console.log(`${label.padEnd(24)} ${(r.ms / 1000).toFixed(2).padStart(8)} s ${String(r.bytes).padStart(14)} ${Math.round(r.count / (r.ms / 1000)).toString().padStart(14)}`);
}
await browser.close();

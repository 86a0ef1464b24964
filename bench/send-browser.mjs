// Sends a message with a large attachment from headless Chromium through the relay with
// the npm package's SmtpClient, over 465 and 587. Run by bench/send.sh, which starts
// everything. Prints JSON medians in ms.
import fs from 'node:fs';
import { chromium } from '../tests/e2e/node_modules/playwright-core/index.mjs';

const [url, subs, sub, caPath, runs] = process.argv.slice(2);
const caPem = fs.readFileSync(caPath, 'utf8');
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage();
page.setDefaultTimeout(600_000);
await page.goto(url);
await page.waitForFunction(() => window.benchReady === true);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const result = {};
for (const [mode, port] of [['tls', subs], ['starttls', sub]]) {
  const options = { port: Number(port), security: mode, caPem };
  await page.evaluate((o) => window.runBench(o), options); // warm-up
  const times = [];
  let bytes = 0;
  for (let i = 0; i < Number(runs); i++) {
    const r = await page.evaluate((o) => window.runBench(o), options);
    times.push(r.ms);
    bytes = r.bytes;
  }
  result[mode] = { ms: median(times), bytes };
}
await browser.close();
console.log(JSON.stringify(result));

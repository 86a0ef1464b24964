// Where the time between the Sign-in click and the first rows goes: signs in to the app
// three times (cold browser contexts) and prints every WebSocket frame the page receives,
// in ms since the click, with the start of its IMAP text. Used to find what holds up the
// first rows (e.g. Dovecot summing a 100,000-message folder's size on the first
// RFC822.SIZE of a session).
// Usage: node bench/trace-signin.mjs APP_URL IMAP_PORT   (the relay serving dist/ must
// allow 127.0.0.1:IMAP_PORT; bench/webmail.sh prints both when it starts everything).
import { chromium } from '../tests/e2e/node_modules/playwright-core/index.mjs';
const [app, port] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
for (let run = 0; run < 3; run++) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const events = [];
  let t0 = 0;
  const t = () => (performance.now() - t0).toFixed(0);
  page.on('websocket', (ws) => {
    events.push(`${t()} ws open ${ws.url()}`);
    const show = (dir) => (f) => {
      const p = typeof f.payload === 'string' ? f.payload : f.payload.toString('latin1');
      events.push(`${t()} ${dir} ${p.length} ${JSON.stringify(p.slice(0, 70))}`);
    };
    ws.on('framesent', show('>>'));
    ws.on('framereceived', show('<<'));
  });
  await page.goto(app);
  await page.getByLabel('Server', { exact: true }).fill('127.0.0.1');
  await page.getByLabel('Security', { exact: true }).selectOption('none');
  await page.getByLabel('Port', { exact: true }).fill(port);
  await page.getByLabel('Username', { exact: true }).fill('demo');
  await page.getByLabel('Password', { exact: true }).fill('demo-password');
  t0 = performance.now();
  await page.getByRole('button', { name: 'Sign in' }).click();
  events.push(`${t()} clicked`);
  await page.waitForSelector('[role="option"] .message-subject');
  events.push(`${t()} rows in DOM (seen by playwright)`);
  console.log(`--- run ${run}\n` + events.join('\n'));
  await context.close();
}
await browser.close();

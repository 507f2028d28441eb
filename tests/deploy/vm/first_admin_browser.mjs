// Step 4 of deploy/README.md in a real browser, against a server in the throwaway machine: the
// operator opens the first-start invitation at the service's public name, chooses a pseudonym and
// a password, sets up two-step sign-in with an "authenticator app" (the TOTP code computed here),
// keeps the recovery codes, and reaches the administration pages the guide names next.
//
// The public name (e.g. harbour.example.nhs.uk) is resolved by Chromium to 127.0.0.2, where this
// script forwards port 443 to the machine's forwarded HTTPS port on 127.0.0.1, so the browser uses
// the real name, the Origin the server checks and the link exactly as the server printed it.
// Binding 443 needs root (the VM scripts run as root anyway). Screenshots go to OUTDIR.
//
//   node tests/deploy/vm/first_admin_browser.mjs LINK VM_HTTPS_PORT OUTDIR
// Prints the administrator's pseudonym, password and two-step key as JSON on its last line.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { totp } from '../../e2e/support.mjs';

// playwright-core as the browser tests install it (tests/e2e/node_modules).
const { chromium } = createRequire(new URL('../../e2e/package.json', import.meta.url))('playwright-core');

const [link, vmPort, outDir] = process.argv.slice(2);
if (!link || !vmPort || !outDir) {
  console.error('usage: node first_admin_browser.mjs LINK VM_HTTPS_PORT OUTDIR');
  process.exit(2);
}
const host = new URL(link).hostname;
const WAIT = { timeout: 30_000 };
const PSEUDONYM = 'Priya Shah';
const PASSWORD = 'quiet harbour lanterns at dusk';

// 127.0.0.2:443 -> 127.0.0.1:VM_HTTPS_PORT (the machine's 443), byte for byte.
const proxy = net.createServer((client) => {
  const upstream = net.connect(Number(vmPort), '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const end = () => { client.destroy(); upstream.destroy(); };
  client.on('error', end);
  upstream.on('error', end);
});
await new Promise((resolve, reject) => proxy.listen(443, '127.0.0.2', resolve).on('error', reject));
const stopTimer = setTimeout(() => { console.error('first_admin_browser: gave up after 180 s'); process.exit(1); }, 180_000);

await mkdir(outDir, { recursive: true });
const shot = (page, name) => page.screenshot({ path: path.join(outDir, name), fullPage: true });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    `--host-resolver-rules=MAP ${host} 127.0.0.2, EXCLUDE localhost`],
});
try {
  // The machine's certificate is from a test CA standing in for Let's Encrypt (no ACME offline).
  const context = await browser.newContext({ ignoreHTTPSErrors: true, locale: 'en-GB', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  const at = (p) => new URL(p, link).href;

  await page.goto(link);
  await page.locator('#join-form').waitFor(WAIT);
  await shot(page, 'guide-1-join.png');
  await page.fill('#pseudonym', PSEUDONYM);
  await page.fill('#password', PASSWORD);
  await page.fill('#password-confirm', PASSWORD);
  await page.check('#accept-guidelines');
  await page.click('#join-form button[type="submit"]');
  await page.waitForURL(at('/account/two-step'), WAIT);
  await page.locator('#two-step-start').click();
  await page.locator('#totp-key').waitFor(WAIT);
  const key = (await page.locator('#totp-key .harbour-key__group').allTextContents()).join('');
  await shot(page, 'guide-2-two-step-key.png');
  await page.fill('#totp-code', totp(key));
  await page.click('#totp-confirm-form button[type="submit"]');
  await page.locator('#recovery-codes').waitFor(WAIT);
  const codes = await page.locator('#recovery-codes li').count();
  assert.equal(codes, 10, 'ten recovery codes');
  await shot(page, 'guide-3-recovery-codes.png');
  await page.locator('#recovery-codes-done').click();
  await page.waitForURL(at('/account'), WAIT);

  // The pages step 5 of the guide sends the administrator to.
  for (const [route, name] of [['/admin/office-hours', 'guide-4-office-hours.png'], ['/admin/moderation-settings', 'guide-5-moderation-settings.png'],
    ['/staff/invitations', 'guide-6-invitations.png'], ['/admin/audit', 'guide-7-audit.png']]) {
    await page.goto(at(route));
    await page.locator('main h1').waitFor(WAIT);
    await page.waitForLoadState('networkidle');
    console.log(`${route}: "${(await page.locator('main h1').first().innerText()).trim()}"`);
    await shot(page, name);
  }
  // The live socket works at the public name (the server checks its Origin against public_url).
  await page.goto(at('/'));
  await page.waitForLoadState('networkidle');
  const live = await page.evaluate(() => new Promise((resolve) => {
    const ws = new WebSocket(`wss://${location.host}/ws`);
    ws.onmessage = (e) => { resolve(JSON.parse(e.data).type); ws.close(); };
    ws.onerror = () => resolve('error');
    setTimeout(() => resolve('timeout'), 10_000);
  }));
  console.log(`WebSocket at ${host}: first message "${live}"`);
  assert.equal(live, 'hello');
  assert.deepEqual(problems, [], 'no page or console errors');
  console.log(JSON.stringify({ pseudonym: PSEUDONYM, password: PASSWORD, key }));
} finally {
  clearTimeout(stopTimer);
  await browser.close();
  proxy.close();
}

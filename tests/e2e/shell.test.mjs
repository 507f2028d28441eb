// Browser tests of the Harbour web shell against the real server.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/shell.test.mjs
//
// Starts `HARBOUR_BIN serve` on 127.0.0.1 (ephemeral port, fresh data folder, web root
// web/dist, which must be built first: cd web && npm run build), drives Debian's Chromium
// through playwright-core, checks every page with axe-core (WCAG 2.2 AA), and saves
// screenshots to tests/e2e/screenshots/. Only 127.0.0.1 is contacted: any other request is
// blocked and fails the test, and the quick-exit site is answered locally.
// The shared helpers are in support.mjs.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  EXIT_SITE,
  assertAccessible,
  assertNoProblems,
  focusedDescription,
  h1Text,
  launchBrowser,
  newContext,
  openPage as openPageIn,
  screenshot,
  startServer,
} from './support.mjs';

let server = null; // from startServer()
let baseUrl = null;
let browser = null;
let context = null;
const externalRequests = [];

/** A new page (in the shared context) that records console errors, page errors and CSP violations. */
const openPage = (viewport) => openPageIn(context, viewport);

const url = (p) => new URL(p, baseUrl).href;

/** The four national contacts with their links, as shown on the urgent-help page. */
async function assertCoreContacts(page) {
  const list = page.locator('#crisis-contacts');
  await assert.doesNotReject(list.waitFor({ state: 'visible', timeout: 5000 }));
  const text = (await list.innerText()).replace(/\s+/g, ' ');
  assert.match(text, /999/, 'shows 999');
  assert.match(text, /111,? option 2/i, 'shows NHS 111 option 2');
  assert.match(text, /Samaritans/, 'shows Samaritans');
  assert.match(text, /116 123/, 'shows 116 123');
  assert.match(text, /Shout/, 'shows Shout');
  assert.match(text, /85258/, 'shows 85258');
  const hrefs = await list.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
  for (const href of ['tel:999', 'tel:111', 'tel:116123', 'sms:85258?&body=SHOUT']) {
    assert.ok(hrefs.includes(href), `a link to ${href} (links: ${hrefs.join(', ')})`);
  }
  // The 999 card is the NHS.UK emergency care card and comes first.
  const first = list.locator('.nhsuk-card').first();
  assert.match(await first.getAttribute('class'), /nhsuk-card--care--emergency/);
  assert.equal(await first.locator('a[href]').first().getAttribute('href'), 'tel:999');
}

async function assertQuickExitButton(page) {
  const exit = page.getByRole('button', { name: 'Leave this site' });
  assert.equal(await exit.count(), 1, 'one "Leave this site" button');
  assert.ok(await exit.isVisible(), '"Leave this site" is visible');
  return exit;
}

// ---------------------------------------------------------------------------------------

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/shell.test.mjs');
  });
} else describe('Harbour web shell', { timeout: 90_000 }, () => {
  before(async () => {
    server = await startServer();
    baseUrl = server.baseUrl;
    browser = await launchBrowser();
    // Records CSP violations in every document; only 127.0.0.1 is contacted (anything else is
    // refused and reported); axe-core is served same-origin.
    context = await newContext(browser, externalRequests);
  });

  after(async () => {
    await context?.close().catch(() => {});
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  test('the server sends the strict CSP with the page', async () => {
    const { page, problems } = await openPage();
    const response = await page.goto(url('/'));
    assert.equal(response.status(), 200);
    const csp = response.headers()['content-security-policy'] ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'"]) {
      assert.ok(csp.includes(directive), `CSP has ${directive} (got: ${csp || 'no CSP header'})`);
    }
    assert.match(response.headers()['content-type'] ?? '', /^text\/html/);
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('home page: welcome, invitation, server status, accessible', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/'));
    assert.equal(await h1Text(page), 'Welcome to Harbour');
    assert.equal(await page.title(), 'Harbour');
    const status = page.locator('main [role="status"]');
    await status.filter({ hasText: /Harbour is up/ }).waitFor({ timeout: 10_000 });
    assert.match(await status.innerText(), /Harbour is up \(version \d+\.\d+\.\d+/);
    assert.match(await page.locator('main').innerText(), /Invitation needed: your therapist will send you an invitation/);
    assert.equal(await page.getByRole('link', { name: 'Need urgent help?' }).first().isVisible(), true);
    await assertQuickExitButton(page);
    assert.match(await page.locator('body').innerText(), /press the Esc key 3 times/i);
    await assertAccessible(page, 'the home page');
    await screenshot(page, 'home.png');

    // Keyboard: the first Tab reaches the skip link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    assert.deepEqual(await focusedDescription(page), { tag: 'a', id: 'skip-link', text: 'Skip to main content' });
    // ...and it is visible, not hidden under the sticky quick-exit bar.
    const onTop = await page.evaluate(() => {
      const link = document.getElementById('skip-link');
      const box = link.getBoundingClientRect();
      return box.width > 20 && document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === link;
    });
    assert.equal(onTop, true, 'the focused skip link is visible on top');
    await page.keyboard.press('Enter');
    assert.equal((await focusedDescription(page))?.id, 'maincontent');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('header link opens urgent help in the app; Back and Forward work', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/'));
    await page.evaluate(() => {
      window.__sameDocument = true;
    });
    await page.locator('header').getByRole('link', { name: 'Need urgent help?' }).click();
    await page.waitForURL(url('/urgent-help'));
    assert.equal(await h1Text(page), 'Need urgent help?');
    assert.equal(await page.title(), 'Need urgent help? \u2013 Harbour');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no full page load');
    assert.deepEqual(await focusedDescription(page), { tag: 'h1', id: '', text: 'Need urgent help?' });
    await page.locator('#crisis-contacts[data-source="network"]').waitFor({ timeout: 10_000 });
    await assertCoreContacts(page);

    await page.goBack();
    await page.waitForURL(url('/'));
    assert.equal(await h1Text(page), 'Welcome to Harbour');
    assert.equal(await page.title(), 'Harbour');
    assert.equal((await focusedDescription(page))?.tag, 'h1');
    await page.goForward();
    await page.waitForURL(url('/urgent-help'));
    assert.equal(await h1Text(page), 'Need urgent help?');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'Back and Forward stay in the app');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('urgent help by deep link: contacts, links, accessible, screenshots', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/urgent-help'));
    assert.equal(await h1Text(page), 'Need urgent help?');
    assert.equal(await page.title(), 'Need urgent help? \u2013 Harbour');
    await page.locator('#crisis-contacts[data-source="network"]').waitFor({ timeout: 10_000 });
    await assertCoreContacts(page);
    await assertQuickExitButton(page);
    await assertAccessible(page, 'the urgent help page');
    await screenshot(page, 'urgent-help.png');
    await page.keyboard.press('Tab');
    assert.equal((await focusedDescription(page))?.id, 'skip-link');
    await assertNoProblems(page, problems);
    await page.close();

    const mobile = await openPage({ width: 390, height: 844 });
    await mobile.page.goto(url('/urgent-help'));
    await mobile.page.locator('#crisis-contacts[data-source="network"]').waitFor({ timeout: 10_000 });
    await assertCoreContacts(mobile.page);
    await assertQuickExitButton(mobile.page);
    assert.equal(await mobile.page.locator('header').getByRole('link', { name: 'Need urgent help?' }).isVisible(), true);
    await assertAccessible(mobile.page, 'the urgent help page at 390 px');
    // Nothing wider than the screen.
    assert.equal(await mobile.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 390 px');
    await screenshot(mobile.page, 'urgent-help-mobile.png');
    await assertNoProblems(mobile.page, mobile.problems);
    await mobile.page.close();
  });

  test('urgent help still shows national contacts when the API is down', async () => {
    const { page, problems } = await openPage();
    // Hold the request first: while it loads, the national contacts must already show.
    let release;
    const held = new Promise((resolve) => {
      release = resolve;
    });
    let asked = 0;
    await page.route('**/api/v1/networks/**', async (route) => {
      asked += 1;
      await held;
      await route.abort('failed');
    });
    await page.goto(url('/urgent-help'));
    await page.locator('#crisis-contacts[aria-busy="true"]').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('#crisis-contacts').getAttribute('data-source'), 'fallback');
    await assertCoreContacts(page);
    release();
    await page.locator('main [role="status"]').filter({ hasText: /could not load/ }).waitFor({ timeout: 10_000 });
    assert.ok(asked >= 1, 'the page asked the API');
    assert.equal(await page.locator('#crisis-contacts').getAttribute('aria-busy'), null);
    assert.equal(await page.locator('#crisis-contacts').getAttribute('data-source'), 'fallback');
    await assertCoreContacts(page);
    await assertAccessible(page, 'the urgent help page with the API down');
    // The failed request itself is logged by Chromium; nothing else may be.
    await assertNoProblems(page, problems, { allow: [/Failed to load resource/] });
    await page.close();
  });

  test('urgent help for an unknown network shows national contacts', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/urgent-help?network=no-such-network'));
    await page.locator('main [role="status"]').filter({ hasText: /could not find that service/ }).waitFor({ timeout: 10_000 });
    await assertCoreContacts(page);
    await assertNoProblems(page, problems, { allow: [/Failed to load resource: the server responded with a status of 404/] });
    await page.close();
  });

  test('home page says so when the server cannot be reached', async () => {
    const { page, problems } = await openPage();
    await page.route('**/api/v1/status', (route) => route.abort('failed'));
    await page.goto(url('/'));
    await page.locator('main [role="status"]').filter({ hasText: /Harbour cannot be reached right now/ }).waitFor({ timeout: 10_000 });
    await assertAccessible(page, 'the home page with the server down');
    await assertNoProblems(page, problems, { allow: [/Failed to load resource/] });
    await page.close();
  });

  test('unknown routes show a page not found', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/no/such/page'));
    assert.equal(await h1Text(page), 'Page not found');
    assert.equal(await page.title(), 'Page not found \u2013 Harbour');
    await assertQuickExitButton(page);
    await assertAccessible(page, 'the page not found');
    await assertNoProblems(page, problems);
    await page.close();
  });

  for (const start of ['/', '/urgent-help']) {
    test(`quick exit from ${start}: the button leaves for the neutral site`, async () => {
      const { page, problems } = await openPage();
      await page.goto(url(start));
      await page.locator('main h1').waitFor();
      await assertNoProblems(page, problems);
      const exit = await assertQuickExitButton(page);
      await Promise.all([page.waitForURL(`${EXIT_SITE}**`, { timeout: 10_000 }), exit.click()]);
      assert.equal(await page.title(), 'Weather');
      await page.close();
    });
  }

  test('quick exit: pressing Esc 3 times leaves', async () => {
    const { page, problems } = await openPage();
    await page.goto(url('/urgent-help'));
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Escape');
    assert.match(await page.locator('#quick-exit-announcer').textContent(), /2 more times/);
    await page.keyboard.press('Escape');
    await assertNoProblems(page, problems);
    await Promise.all([page.waitForURL(`${EXIT_SITE}**`, { timeout: 10_000 }), page.keyboard.press('Escape')]);
    await page.close();
  });

  test('no request left 127.0.0.1', () => {
    assert.deepEqual(externalRequests, []);
  });
});

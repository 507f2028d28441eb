// Browser tests of office hours, against the real server started with --demo: the administrator
// sets a community's weekly hours and a closure and puts a clinician on the rota
// (/admin/office-hours); a member then sees the status line on the forums page. Every page is
// checked with axe-core; screenshots go to tests/e2e/screenshots/.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/office-hours.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { assertAccessible, assertNoProblems, contextsFor, h1Text, keyOf, launchBrowser, openPage, screenshot, signIn, startServer, totp } from './support.mjs';

const ADMIN = 'Demo Administrator';
const MEMBER = 'Demo Member';
const CLINICIAN = 'Demo Clinician';
const WAIT = { timeout: 15_000 };
// Wednesday 09:00-17:00 only: whatever the day, the status is one of these.
const STATUS = /^(Moderators are here until 17:00\.|We are back at 09:00 (today|tomorrow|on Wednesday( \d{1,2} [A-Z][a-z]+)?)\. If you need help now, use Need urgent help\?)$/;

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** YYYY-MM-DD `days` from now (UTC; a month ahead, a day either way does not matter). */
function dayAhead(days) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/office-hours.test.mjs');
  });
} else describe('Harbour office hours: the week, closures, the rota and the status line', { timeout: 240_000 }, () => {
  let demo = null;
  let password = null;
  let adminKey = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    adminKey = keyOf(await demo.waitForStdout(/Demo Administrator \(admin\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('the administrator sets hours and a closure and adds a rota shift', { timeout: 120_000 }, async () => {
    const { page, problems } = await openPage(await person());
    const here = '/admin/office-hours?network=default';
    await page.goto(at(here));
    await page.waitForURL(at(`/sign-in?next=${encodeURIComponent(here)}`), WAIT);
    await signIn(page, null, ADMIN, password, { wait: 'none' });
    await page.waitForURL(/\/sign-in\/two-step/, WAIT);
    await page.locator('#code').waitFor(WAIT);
    await page.fill('#code', totp(adminKey));
    await page.click('#two-step-form button[type="submit"]');
    await page.waitForURL(at(here), WAIT);
    await page.locator('#hours-form').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Office hours and rota');
    assert.equal(await page.locator('nav[aria-label="Administration"] a[aria-current="page"]').innerText(), 'Office hours and rota');
    await assertAccessible(page, 'the office hours page');

    // Start from an empty week (the demo may have seeded one), then Wednesday 09:00-17:00.
    while ((await page.locator('#hours-form .harbour-hours__rows .harbour-hours__row').count()) > 0) {
      await page.locator('#hours-form .harbour-hours__rows .harbour-hours__row button').first().click();
    }
    const wednesday = page.locator('fieldset', { has: page.locator('legend', { hasText: 'Wednesday' }) });
    await wednesday.locator('button', { hasText: 'Add opening times' }).click();
    await wednesday.locator('input[type="time"]').nth(0).fill('09:00');
    // A closing time left empty is caught before anything is sent.
    await page.click('#hours-form button[type="submit"]');
    await page.locator('.nhsuk-error-summary:not([hidden])', { hasText: 'Enter both times for Wednesday' }).waitFor(WAIT);
    await assertAccessible(page, 'the office hours form with an error');
    await wednesday.locator('input[type="time"]').nth(1).fill('17:00');
    const closureDay = dayAhead(30);
    await page.click('#add-closure');
    await page.locator('#closure-rows input[type="date"]').last().fill(closureDay);
    await page.locator('#closure-rows input[type="text"]').last().fill('Staff training day');
    await page.click('#hours-form button[type="submit"]');

    // After saving, the page shows what the server holds.
    await page.locator('#closure-rows input[type="date"]').first().waitFor(WAIT);
    await page.waitForFunction((day) => [...document.querySelectorAll('#closure-rows input[type="date"]')].some((i) => i.value === day), closureDay, WAIT);
    const saved = page.locator('fieldset', { has: page.locator('legend', { hasText: 'Wednesday' }) });
    assert.equal(await saved.locator('input[type="time"]').nth(0).inputValue(), '09:00');
    assert.equal(await saved.locator('input[type="time"]').nth(1).inputValue(), '17:00');
    assert.equal(await page.locator('#hours-form .harbour-hours__rows .harbour-hours__row').count(), 1);
    assert.match(await page.locator('#hours-status').innerText(), /Moderators are here until 17:00|We are back at 09:00/);

    // A shift for the demo clinician, starting within the hour, eight hours long.
    const times = await page.evaluate(() => {
      const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      const start = new Date(Date.now() + 30 * 60_000);
      return { starts: local(start), ends: local(new Date(start.getTime() + 8 * 3_600_000)) };
    });
    const option = page.locator('#shift-person option', { hasText: CLINICIAN });
    await page.selectOption('#shift-person', await option.getAttribute('value'));
    await page.fill('#shift-starts', times.starts);
    await page.fill('#shift-ends', times.ends);
    await page.click('#rota-form button[type="submit"]');
    const row = page.locator('#rota-table tbody tr', { hasText: CLINICIAN });
    await row.first().waitFor(WAIT);
    assert.match(await row.first().innerText(), /Clinician/);
    await assertAccessible(page, 'the office hours page with a shift');
    await screenshot(page, 'office-hours-admin.png');

    // The same shift again overlaps: the server says so.
    await page.selectOption('#shift-person', await option.getAttribute('value'));
    await page.fill('#shift-starts', times.starts);
    await page.fill('#shift-ends', times.ends);
    await page.click('#rota-form button[type="submit"]');
    await page.locator('.nhsuk-error-summary:not([hidden])', { hasText: 'already has a shift at that time' }).waitFor(WAIT);
    await assertNoProblems(page, problems, { allow: [/status of 409\b.*\/api\/v1\/networks\/default\/rota\)$/] });
  });

  test('a member sees the status line on the forums page', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(await person());
    await page.goto(at('/forums?network=default'));
    await page.waitForURL(/\/sign-in/, WAIT);
    await signIn(page, null, MEMBER, password, { wait: 'none' });
    await page.waitForURL(/\/forums/, WAIT);
    const line = page.locator('.harbour-office-status');
    await line.waitFor(WAIT);
    const text = (await line.innerText()).trim();
    assert.match(text, STATUS);
    if (text.startsWith('We are back')) assert.equal(await line.locator('a').getAttribute('href'), '/urgent-help');
    await assertAccessible(page, 'the forums with the status line');
    await screenshot(page, 'office-hours-forums.png');
    await assertNoProblems(page, problems);
  });
});

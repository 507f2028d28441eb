// Browser tests of two-step sign-in (TOTP) for staff, against the real server.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/two-step.test.mjs
//
// Two servers: one started with --demo (demo accounts, staff with two-step sign-in set up; it
// prints each staff account's key and the demo password on stdout), and one fresh server whose
// first-start admin invitation is printed on stdout. Codes are computed here as an
// authenticator app would (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits). Every page and
// state tested is checked with axe-core; console errors and CSP violations fail the test, apart
// from the HTTP error replies each test expects. Screenshots go to tests/e2e/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  base32Decode,
  contextsFor,
  failedResponse as failed,
  focusedDescription,
  h1Text,
  keyOf,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  startServer,
  totp,
  wrongCode,
} from './support.mjs';

const CLINICIAN = 'Demo Clinician';
const ADMIN = 'Morgan Reed';
const ADMIN_PASSWORD = 'copper willow river lantern';
const LINK_RE = /https?:\/\/[^\s"']+\/join#[^\s"']+/;
const WAIT = { timeout: 15_000 };
const INVITATIONS = '/staff/invitations?network=default';

test('the TOTP helper gives the RFC 6238 SHA-1 test vectors', () => {
  // RFC 6238 appendix B: key "12345678901234567890" (base32 below), 8 digits there; the last 6 here.
  const key = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(totp(key, { when: 59_000 }), '287082');
  assert.equal(totp(key, { when: 1_111_111_109_000 }), '081804');
  assert.equal(totp(key, { when: 1_234_567_890_000 }), '005924');
});

// ---------------------------------------------------------------------------------------

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

async function summaryState(page) {
  const summary = page.locator('.nhsuk-error-summary');
  await summary.waitFor({ state: 'visible', timeout: 15_000 });
  return {
    text: (await summary.innerText()).replace(/\s+/g, ' ').trim(),
    links: await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    focused: await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary') ?? false),
  };
}

async function headerTwoStep(page, text) {
  await page.locator('#header-two-step', { hasText: text }).waitFor(WAIT);
}

/** The one-time-code field: a number keypad and one-time-code autofill. */
async function assertCodeField(page, selector) {
  const input = page.locator(selector);
  assert.equal(await input.getAttribute('inputmode'), 'numeric');
  assert.equal(await input.getAttribute('autocomplete'), 'one-time-code');
  assert.equal(await input.getAttribute('type'), 'text');
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/two-step.test.mjs');
  });
} else describe('Harbour two-step sign-in', { timeout: 120_000 }, () => {
  let demo = null; // server started with --demo
  let fresh = null; // server without --demo (first-start admin invitation)
  let demoPassword = null;
  let clinicianKey = null;
  let adminLink = null;

  before(async () => {
    [demo, fresh, browser] = await Promise.all([startServer({ args: ['--demo'] }), startServer(), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(/Demo Clinician \(clinician\)\s+two-step key:/, 10_000));
    const passwordLine = await demo.waitForStdout(/password for all: "/, 10_000);
    demoPassword = /password for all: "([^"]+)"/.exec(passwordLine)[1];
    const printed = new URL(LINK_RE.exec(await fresh.waitForStdout(LINK_RE, 10_000))[0]);
    assert.ok(printed.hash.length > 1, 'the token is in the #fragment');
    adminLink = new URL(printed.pathname + printed.hash, fresh.baseUrl).href;
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await Promise.all([demo?.stop(), fresh?.stop()]);
  });

  let clinician = null; // the clinician's browser context, signed in with both steps

  test('a demo clinician signs in: a code is asked for, a wrong code is refused, the right one continues', async () => {
    const at = (p) => new URL(p, demo.baseUrl).href;
    clinician = await person();
    const { page, problems } = await openPage(clinician);
    await page.goto(at(INVITATIONS));
    await page.waitForURL(at(`/sign-in?next=${encodeURIComponent(INVITATIONS)}`), WAIT);
    await signIn(page, null, CLINICIAN, demoPassword, { wait: 'none' });

    // The second step, then back to the invitations page.
    await page.waitForURL(at(`/sign-in/two-step?next=${encodeURIComponent(INVITATIONS)}`), WAIT);
    await page.locator('#two-step-form').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Two-step sign-in');
    assert.equal(await page.title(), 'Two-step sign-in \u2013 Harbour');
    await assertCodeField(page, '#code');
    await headerTwoStep(page, 'Two-step sign-in: code needed');
    await assertAccessible(page, 'the two-step sign-in page');
    await screenshot(page, 'two-step-code.png');

    // Nothing typed: the error summary, without asking the server.
    await page.click('#two-step-form button[type="submit"]');
    let summary = await summaryState(page);
    assert.match(summary.text, /Enter the 6-digit code/);
    assert.deepEqual(summary.links, ['#code']);

    // A wrong code: the server's message, beside the field too, with the focus on the summary.
    await page.fill('#code', wrongCode(clinicianKey));
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/session/second-factor'), WAIT);
    await page.click('#two-step-form button[type="submit"]');
    assert.equal((await refused).status(), 400);
    await page.locator('#code-error').waitFor(WAIT);
    summary = await summaryState(page);
    assert.match(summary.text, /There is a problem/);
    assert.match(summary.text, /did not work/);
    assert.deepEqual(summary.links, ['#code']);
    assert.equal(summary.focused, true, 'focus moves to the error summary');
    assert.match(await page.title(), /^Error: Two-step sign-in/);
    assert.equal(await page.locator('#code').inputValue(), '', 'the field is emptied');
    assert.match(await page.locator('#code').getAttribute('aria-describedby'), /code-error/);
    await assertAccessible(page, 'the two-step sign-in page after a wrong code');
    await screenshot(page, 'two-step-code-wrong.png');

    // "Use a recovery code instead" switches the field, and back.
    await page.locator('#two-step-switch').click();
    await page.locator('#recovery-code').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Use a recovery code');
    assert.match(page.url(), /use=recovery-code/);
    assert.match(page.url(), /next=%2Fstaff%2Finvitations/);
    assert.equal((await focusedDescription(page))?.tag, 'h1');
    await assertAccessible(page, 'the two-step sign-in page with a recovery code');
    await screenshot(page, 'two-step-recovery.png');
    await page.locator('#two-step-switch').click();
    await page.locator('#code').waitFor(WAIT);

    // Without the code, the account page says so, and staff tools explain and link back here.
    await page.goto(at('/account'));
    await page.locator('#account-two-step').waitFor(WAIT);
    assert.equal((await page.locator('#account-two-step').textContent()).trim(), 'On');
    assert.equal(await page.getByRole('link', { name: 'Enter a code from your app' }).getAttribute('href'), '/sign-in/two-step?next=%2Faccount');
    await page.goto(at(INVITATIONS));
    const action = page.locator('#second-factor-action');
    await action.waitFor(WAIT);
    assert.match(await page.locator('#second-factor-state').innerText(), /have not entered a code since you signed in/);
    assert.equal((await action.textContent()).trim(), 'Enter a code from your app');
    await assertAccessible(page, 'the invitations page before the code');
    await action.click();
    await page.waitForURL(at(`/sign-in/two-step?next=${encodeURIComponent(INVITATIONS)}`), WAIT);

    // The right code: on to the invitations page, which now works.
    await page.locator('#code').waitFor(WAIT);
    await page.fill('#code', totp(clinicianKey));
    await page.click('#two-step-form button[type="submit"]');
    await page.waitForURL(at(INVITATIONS), WAIT);
    await page.locator('#invite-form').waitFor(WAIT);
    await headerTwoStep(page, 'Two-step sign-in: on');
    await assertNoProblems(page, problems, { allow: [failed(400, '/session/second-factor'), failed(403, '/networks/default/invitations')] });
    await page.close();
  });

  test('the clinician creates a member invitation, sees it open, and revokes it', async () => {
    const at = (p) => new URL(p, demo.baseUrl).href;
    const { page, problems } = await openPage(clinician);
    await page.goto(at(INVITATIONS));
    await page.locator('#invite-form').waitFor(WAIT);
    assert.equal(await page.locator('#invite-role').isChecked(), true, 'member is chosen first');
    const note = `E2E ${Date.now().toString(36)}`;
    await page.fill('#invite-note', note);
    await page.click('#invite-form button[type="submit"]');

    // The one-time link.
    await page.locator('#invite-result-banner').waitFor(WAIT);
    const link = await page.locator('#invite-link').inputValue();
    assert.match(link, /\/join#[A-Za-z0-9._~-]{16,}$/);
    assert.match(await page.locator('#invite-result-banner').innerText(), /as a member/);

    // In the list, open.
    const card = page.locator('.harbour-invitation', { hasText: note });
    await card.and(page.locator('[data-state="open"]')).waitFor(WAIT);
    assert.match(await card.innerText(), /Member invitation\s+Open/);
    await assertAccessible(page, 'the invitations page after creating an invitation');
    await screenshot(page, 'two-step-clinician-invitations.png');

    // Revoke, with a confirm step.
    await card.getByRole('button', { name: /^Revoke/ }).click();
    await card.getByRole('button', { name: 'Yes, revoke it' }).click();
    await page.locator('.harbour-invitation[data-state="revoked"]', { hasText: note }).waitFor(WAIT);
    assert.match(await page.locator('.harbour-invitation', { hasText: note }).innerText(), /Member invitation\s+Revoked/);
    assert.equal(await page.locator('.harbour-invitation', { hasText: note }).getByRole('button').count(), 0, 'no Revoke button any more');
    assert.match(await page.locator('#invitations-status').innerText(), /revoked/);
    await assertAccessible(page, 'the invitations page after revoking');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a first-start admin sets up two-step sign-in, then signs in again with a recovery code', async () => {
    const at = (p) => new URL(p, fresh.baseUrl).href;
    const context = await person();
    const { page, problems } = await openPage(context);

    // Join with the first-start invitation: straight on to setting up two-step sign-in.
    await page.goto(adminLink);
    await page.locator('#join-form').waitFor(WAIT);
    await page.fill('#pseudonym', ADMIN);
    await page.fill('#password', ADMIN_PASSWORD);
    await page.fill('#password-confirm', ADMIN_PASSWORD);
    await page.check('#accept-guidelines');
    await page.click('#join-form button[type="submit"]');
    await page.waitForURL(at('/account/two-step'), WAIT);
    await page.locator('#two-step-start').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Set up two-step sign-in');
    assert.match(await page.locator('#flash').innerText(), new RegExp(`Welcome to Harbour, ${ADMIN}`));
    assert.match(await page.locator('main').innerText(), /private details/);
    await headerTwoStep(page, 'Two-step sign-in: off');
    await assertAccessible(page, 'the two-step set-up page (start)');
    await screenshot(page, 'two-step-setup-start.png');

    // Start: the key, in groups, to type into an app.
    await page.locator('#two-step-start').click();
    await page.locator('#totp-key').waitFor(WAIT);
    assert.equal((await focusedDescription(page))?.id, 'two-step-add');
    const groups = await page.locator('#totp-key .harbour-key__group').allTextContents();
    assert.ok(groups.length >= 4, `the key in groups: ${groups.join(' ')}`);
    for (const g of groups) assert.match(g, /^[A-Z2-7]{1,4}$/);
    const key = groups.join('');
    assert.equal(base32Decode(key).length >= 10, true, 'at least 80 bits');
    assert.match(await page.locator('main').innerText(), /enter a key manually/i);
    assert.match(await page.locator('main').innerText(), /time-based/);
    await assertCodeField(page, '#totp-code');
    await assertAccessible(page, 'the two-step set-up page (key)');
    await screenshot(page, 'two-step-setup-key.png');
    // On a phone: the key still fits the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no horizontal scrolling at 390 px');
    await assertAccessible(page, 'the two-step set-up page (key) at 390 px');
    await screenshot(page, 'two-step-setup-key-mobile.png');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A code that is not 6 numbers: the error summary, without asking the server.
    await page.fill('#totp-code', '12345');
    await page.click('#totp-confirm-form button[type="submit"]');
    const summary = await summaryState(page);
    assert.match(summary.text, /must be 6 numbers/);
    assert.deepEqual(summary.links, ['#totp-code']);
    assert.equal(summary.focused, true);
    await page.locator('#totp-code-error').waitFor(WAIT);
    await assertAccessible(page, 'the two-step set-up page with an error');
    await screenshot(page, 'two-step-setup-error.png');

    // The code from the "app": on, and 10 recovery codes, shown once.
    await page.fill('#totp-code', totp(key));
    await page.click('#totp-confirm-form button[type="submit"]');
    await page.locator('#recovery-codes').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Save your recovery codes');
    assert.equal((await focusedDescription(page))?.tag, 'h1');
    assert.equal(await page.locator('.nhsuk-error-summary').isVisible(), false);
    const codes = (await page.locator('#recovery-codes li').allTextContents()).map((c) => c.trim());
    assert.equal(codes.length, 10);
    for (const c of codes) assert.match(c, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    assert.equal(new Set(codes).size, 10);
    assert.match(await page.locator('main').innerText(), /only once/);
    assert.equal(await page.locator('#recovery-codes-copy').count(), 1);
    assert.equal(await page.locator('#recovery-codes-print').count(), 1);
    await headerTwoStep(page, 'Two-step sign-in: on');
    await assertAccessible(page, 'the recovery codes page');
    await screenshot(page, 'two-step-recovery-codes.png');
    // Printed: the codes without the page furniture.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header').isVisible(), false);
    assert.equal(await page.locator('#recovery-codes-done').isVisible(), false);
    assert.equal(await page.locator('#recovery-codes').isVisible(), true);
    await screenshot(page, 'two-step-recovery-codes-print.png');
    await page.emulateMedia({ media: 'screen' });

    await page.locator('#recovery-codes-done').click();
    await page.waitForURL(at('/account'), WAIT);
    await page.locator('#account-two-step').waitFor(WAIT);
    assert.equal((await page.locator('#account-two-step').textContent()).trim(), 'On');
    assert.match(await page.locator('#flash').innerText(), /Two-step sign-in is on/);
    await assertAccessible(page, 'the account page with two-step sign-in on');
    await screenshot(page, 'two-step-account-on.png');

    // The set-up page now says it is on.
    await page.goto(at('/account/two-step'));
    await page.locator('#two-step-state').waitFor(WAIT);
    assert.match(await page.locator('#two-step-state').innerText(), /Two-step sign-in is on/);
    assert.equal(await page.locator('#two-step-start').count(), 0);
    await assertAccessible(page, 'the two-step page when it is on');
    await screenshot(page, 'two-step-on.png');

    // Sign out, and back in with a recovery code on the way to the invitations page.
    await page.locator('#header-sign-out').click();
    await page.waitForURL(at('/'), WAIT);
    await page.locator('#header-sign-in').waitFor(WAIT);
    await page.goto(at('/staff/invitations'));
    await page.waitForURL(at(`/sign-in?next=${encodeURIComponent('/staff/invitations')}`), WAIT);
    await signIn(page, null, ADMIN, ADMIN_PASSWORD, { wait: 'none' });
    await page.waitForURL(at(`/sign-in/two-step?next=${encodeURIComponent('/staff/invitations')}`), WAIT);
    await page.locator('#two-step-switch').click();
    await page.locator('#recovery-code').waitFor(WAIT);
    await page.fill('#recovery-code', codes[3].toLowerCase());
    await page.click('#two-step-form button[type="submit"]');
    await page.waitForURL(/\/staff\/invitations\?network=[a-z0-9-]+$/, WAIT);
    await page.locator('#invite-form').waitFor(WAIT);
    assert.match(await page.locator('#flash').innerText(), /recovery code/);
    await headerTwoStep(page, 'Two-step sign-in: on');
    await assertAccessible(page, 'the invitations page after a recovery code');
    await assertNoProblems(page, problems, { allow: [failed(400, '/session/second-factor')] });
    await page.close();
  });

  test('no request left 127.0.0.1', () => {
    assert.deepEqual(externalRequests, []);
  });
});

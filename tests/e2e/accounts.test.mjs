// Browser tests of joining, signing in and out, and the staff invitations page, against the
// real server.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/accounts.test.mjs
//
// The server prints a one-time admin invitation link on stdout at first start, and
// `harbour invite create --role member` prints a member invitation link. Each person gets
// their own browser context (their own cookies). Every page and state tested is checked with
// axe-core; console errors and CSP violations fail the test, apart from the HTTP error replies
// each test expects. Screenshots go to tests/e2e/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  failedResponse as failed,
  focusedDescription,
  h1Text,
  launchBrowser,
  openPage,
  runHarbour,
  screenshot,
  signIn,
  startServer,
} from './support.mjs';

const MEMBER = 'Willow Fern';
const ADMIN = 'Robin Lake';
const PASSWORD = 'kettle orbit meadow tulip';
const ADMIN_PASSWORD = 'lantern pebble violet harbour';
const LINK_RE = /https?:\/\/[^\s"']+\/join#[^\s"']+/;
const WAIT = { timeout: 15_000 };

let server = null;
let baseUrl = null;
let browser = null;
let adminLink = null;
let memberLink = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

const url = (p) => new URL(p, baseUrl).href;

/** The invitation link in a line of output, moved to the test server's origin (keeping the #token). */
function localLink(text) {
  const match = LINK_RE.exec(text);
  assert.ok(match, `an invitation link (https://.../join#token) in: ${text}`);
  const printed = new URL(match[0]);
  assert.ok(printed.hash.length > 1, 'the token is in the #fragment');
  return new URL(printed.pathname + printed.hash, baseUrl).href;
}

async function summaryState(page) {
  const summary = page.locator('.nhsuk-error-summary');
  await summary.waitFor({ state: 'visible', timeout: 15_000 });
  return {
    text: (await summary.innerText()).replace(/\s+/g, ' ').trim(),
    links: await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
    focused: await page.evaluate(() => document.activeElement?.classList.contains('nhsuk-error-summary') ?? false),
  };
}

async function fillJoinForm(page, { pseudonym, password, confirm = password, accept = true }) {
  await page.fill('#pseudonym', pseudonym);
  await page.fill('#password', password);
  await page.fill('#password-confirm', confirm);
  if (accept) await page.check('#accept-guidelines');
}

async function headerPseudonym(page) {
  const who = page.locator('#header-pseudonym');
  await who.waitFor(WAIT);
  return (await who.textContent()).trim();
}

// ---------------------------------------------------------------------------------------

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/accounts.test.mjs');
  });
} else describe('Harbour accounts', { timeout: 120_000 }, () => {
  before(async () => {
    server = await startServer();
    baseUrl = server.baseUrl;
    adminLink = localLink(await server.waitForStdout(LINK_RE, 10_000));
    const printed = await runHarbour(['invite', 'create', '--data-dir', server.dataDir, '--role', 'member']);
    memberLink = localLink(printed.split('\n')[0]);
    browser = await launchBrowser();
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  let member = null; // the member's browser context, signed in after joining

  test('without an invitation, /join explains how to join', async () => {
    const context = await person();
    const { page, problems } = await openPage(context);
    await page.goto(url('/join'));
    assert.equal(await h1Text(page), 'Join Harbour');
    assert.match(await page.locator('main').innerText(), /you need an invitation/i);
    await page.locator('#header-sign-in').waitFor(WAIT);
    await assertAccessible(page, 'the join page without an invitation');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a member joins with the invitation link: errors first, then signed in', async () => {
    member = await person();
    const { page, problems } = await openPage(member);
    await page.goto(memberLink);
    await page.locator('#join-form').waitFor(WAIT);

    // The token left the address bar at once, and no history entry keeps it.
    assert.equal(page.url(), url('/join'), 'no #token in the address bar');
    assert.equal(await page.evaluate(() => window.location.hash), '');
    assert.equal(await h1Text(page), 'Create your account');
    assert.match(await page.locator('#invitation-summary').innerText(), /as a member\.$/);
    // The anonymity guidance is beside (and describes) the name field.
    const hint = await page.locator('#pseudonym-hint').innerText();
    assert.match(hint, /only name other people will see/);
    assert.ok(hint.length > 80, 'the anonymity guidance from the server is shown');
    assert.match(await page.locator('#pseudonym').getAttribute('aria-describedby'), /pseudonym-hint/);
    assert.ok((await page.locator('#guidelines').innerText()).trim().length > 20, 'the community guidelines are shown');
    await assertAccessible(page, 'the join form');
    await screenshot(page, 'join.png');

    // The name is checked on leaving the field.
    await page.fill('#pseudonym', 'Dr Sam');
    await page.press('#pseudonym', 'Tab');
    await page.locator('#pseudonym-error').waitFor(WAIT);
    assert.match(await page.locator('#pseudonym-error').innerText(), /staff/i);

    // Submitting shows the NHS.UK error summary, linked to the field, with the focus on it.
    await fillJoinForm(page, { pseudonym: 'Dr Sam', password: PASSWORD });
    await page.click('#join-form button[type="submit"]');
    let summary = await summaryState(page);
    assert.match(summary.text, /There is a problem/);
    assert.match(summary.text, /staff/i);
    assert.deepEqual(summary.links, ['#pseudonym']);
    assert.equal(summary.focused, true, 'focus moves to the error summary');
    assert.match(await page.title(), /^Error: /);
    assert.match(await page.locator('#pseudonym').getAttribute('aria-describedby'), /pseudonym-error/);
    await assertAccessible(page, 'the join form with a name error');
    await screenshot(page, 'join-error-name.png');
    // The summary link takes the focus to the field.
    await page.locator('.nhsuk-error-summary a[href="#pseudonym"]').click();
    assert.equal((await focusedDescription(page))?.id, 'pseudonym');

    // A short password.
    await fillJoinForm(page, { pseudonym: MEMBER, password: 'short', accept: false });
    await page.click('#join-form button[type="submit"]');
    summary = await summaryState(page);
    assert.match(summary.text, /at least 12 characters/);
    assert.ok(summary.links.includes('#password'), `links: ${summary.links}`);
    await page.locator('#password-error').waitFor(WAIT);
    await assertAccessible(page, 'the join form with a password error');
    await screenshot(page, 'join-error-password.png');

    // The server's own password rules: not the name in the password.
    await fillJoinForm(page, { pseudonym: MEMBER, password: 'willow fern kettle orbit', accept: false });
    await page.click('#join-form button[type="submit"]');
    await page.locator('#password-error').filter({ hasText: /name/ }).waitFor(WAIT);
    summary = await summaryState(page);
    assert.deepEqual(summary.links, ['#password']);
    assert.equal(await page.locator('#password').inputValue(), '', 'the password fields are emptied');

    // All well: signed in, on the home page, with the name in the header.
    await fillJoinForm(page, { pseudonym: MEMBER, password: PASSWORD });
    await page.click('#join-form button[type="submit"]');
    await page.waitForURL(url('/'), WAIT);
    assert.equal(await headerPseudonym(page), MEMBER);
    assert.match(await page.locator('#flash').innerText(), new RegExp(`Welcome to Harbour, ${MEMBER}`));
    const header = page.locator('header');
    assert.equal(await header.getByRole('link', { name: 'Your account', exact: true }).count(), 1);
    assert.equal(await header.getByRole('button', { name: 'Sign out', exact: true }).count(), 1);
    assert.equal(await page.locator('header').getByRole('link', { name: 'Need urgent help?' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Leave this site' }).count(), 1);
    assert.equal(page.url().includes('#'), false);
    await assertAccessible(page, 'the home page after joining');
    await screenshot(page, 'joined.png');
    await assertNoProblems(page, problems, { allow: [failed(400, '/pseudonym-check'), failed(400, '/accounts')] });
    await page.close();
  });

  test('account page; sign out; wrong password gets the one message; sign in again', async () => {
    const { page, problems } = await openPage(member);
    await page.goto(url('/account'));
    await page.locator('#account-pseudonym').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Your account');
    assert.equal((await page.locator('#account-pseudonym').textContent()).trim(), MEMBER);
    assert.match(await page.locator('#account-memberships').innerText(), /: Member/);
    assert.doesNotMatch(await page.locator('main').innerText(), /coming soon/i);
    await assertAccessible(page, 'the account page');
    await screenshot(page, 'account.png');

    // Sign out from the header.
    await page.locator('#header-sign-out').click();
    await page.waitForURL(url('/'), WAIT);
    await page.locator('#header-sign-in').waitFor(WAIT);
    assert.match(await page.locator('#flash').innerText(), /You have signed out/);
    assert.equal(await page.locator('#header-pseudonym').count(), 0);

    // The account page now asks to sign in, and comes back afterwards.
    await page.goto(url('/account'));
    await page.waitForURL(url('/sign-in?next=%2Faccount'), WAIT);
    await page.locator('#sign-in-form').waitFor(WAIT);
    await assertAccessible(page, 'the sign-in page');
    await screenshot(page, 'sign-in.png');

    await signIn(page, null, MEMBER, 'not the right password', { wait: 'none' });
    const wrongPassword = await summaryState(page);
    assert.equal(wrongPassword.focused, true);
    await assertAccessible(page, 'the sign-in page after a wrong password');
    await screenshot(page, 'sign-in-failed.png');
    assert.equal(await page.locator('#password').inputValue(), '', 'the password field is emptied');

    await signIn(page, null, 'Nobody Here', 'not the right password', { wait: 'none' });
    await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
    const unknownName = await summaryState(page);
    assert.equal(unknownName.text, wrongPassword.text, 'one message for a wrong name or a wrong password');

    await signIn(page, null, MEMBER, PASSWORD, { wait: 'none' });
    await page.waitForURL(url('/account'), WAIT);
    await page.locator('#account-pseudonym').waitFor(WAIT);
    assert.equal(await headerPseudonym(page), MEMBER);
    await assertNoProblems(page, problems, { allow: [failed(401, '/session')] });
    await page.close();
  });

  test('sign out on all devices ends the other sessions too', async () => {
    // A second device signs in.
    const other = await person();
    const second = await openPage(other);
    await signIn(second.page, url, MEMBER, PASSWORD, { wait: 'none' });
    await second.page.waitForURL(url('/'), WAIT);
    assert.equal(await headerPseudonym(second.page), MEMBER);

    const { page, problems } = await openPage(member);
    await page.goto(url('/account'));
    await page.locator('#sign-out-all').click();
    // A confirm step first; Cancel goes back.
    await page.locator('#sign-out-all-question').waitFor(WAIT);
    assert.equal((await focusedDescription(page))?.id, 'sign-out-all-question');
    await assertAccessible(page, 'the sign out on all devices confirm step');
    await screenshot(page, 'account-sign-out-all.png');
    await page.locator('#sign-out-all-cancel').click();
    assert.equal((await focusedDescription(page))?.id, 'sign-out-all');
    await page.locator('#sign-out-all').click();
    await page.locator('#sign-out-all-confirm').click();
    await page.waitForURL(url('/'), WAIT);
    await page.locator('#header-sign-in').waitFor(WAIT);
    assert.match(await page.locator('#flash').innerText(), /signed out on all devices/);
    await assertAccessible(page, 'the home page after signing out everywhere');

    // The other device is signed out too.
    await second.page.goto(url('/account'));
    await second.page.waitForURL(/\/sign-in\?next=/, WAIT);
    await second.page.locator('#header-sign-in').waitFor(WAIT);
    await assertNoProblems(page, problems);
    await assertNoProblems(second.page, second.problems);
    await page.close();
    await second.page.close();
  });

  test('the same invitation link cannot be used twice', async () => {
    const context = await person();
    const { page, problems } = await openPage(context);
    await page.goto(memberLink);
    await page.locator('main h1').filter({ hasText: 'already been used' }).waitFor(WAIT);
    assert.equal(page.url(), url('/join'));
    assert.equal(await page.locator('#join-form').count(), 0);
    await assertAccessible(page, 'the join page for a used invitation');
    await screenshot(page, 'join-used.png');
    await assertNoProblems(page, problems, { allow: [failed(409, '/invitations/preview')] });
    await page.close();
  });

  test('an admin joins with the first-start link and is told about two-step sign-in', async () => {
    const context = await person();
    const { page, problems } = await openPage(context);
    await page.goto(adminLink);
    await page.locator('#join-form').waitFor(WAIT);
    assert.equal(page.url(), url('/join'));
    assert.match(await page.locator('#invitation-summary').innerText(), /as an administrator\.$/);
    assert.match(await page.locator('main').innerText(), /staff invitation/);
    await fillJoinForm(page, { pseudonym: ADMIN, password: ADMIN_PASSWORD });
    await page.click('#join-form button[type="submit"]');
    // Staff go straight on to set up two-step sign-in (two-step.test.mjs goes through it).
    await page.waitForURL(url('/account/two-step'), WAIT);
    assert.equal(await headerPseudonym(page), ADMIN);
    assert.match(await page.locator('#flash').innerText(), /two-step sign-in/);
    await page.locator('#two-step-start').waitFor(WAIT);
    await assertAccessible(page, 'the two-step set-up page after an admin joined');

    // Staff invitations: the API asks for the second factor, and the page explains.
    await page.goto(url('/staff/invitations'));
    await page.locator('main h1').filter({ hasText: 'two-step sign-in' }).waitFor(WAIT);
    assert.match(page.url(), /\/staff\/invitations\?network=[a-z0-9-]+$/);
    assert.equal(await page.locator('#invite-form').count(), 0, 'no form without the second factor');
    assert.match(await page.locator('main').innerText(), /not set up two-step sign-in/);
    // ...and links to setting it up, coming back here afterwards.
    const action = page.locator('#second-factor-action');
    assert.equal((await action.textContent()).trim(), 'Set up two-step sign-in');
    assert.match(await action.getAttribute('href'), /^\/account\/two-step\?next=%2Fstaff%2Finvitations%3Fnetwork%3D[a-z0-9-]+$/);
    await assertAccessible(page, 'the staff invitations page without the second factor');
    await screenshot(page, 'staff-invitations-second-factor.png');
    await assertNoProblems(page, problems, { allow: [failed(403, '/networks/[a-z0-9-]+/invitations')] });
    await page.close();
  });

  test('too many sign-in attempts: the page says how long to wait', async () => {
    const context = await person();
    const { page, problems } = await openPage(context);
    await page.goto(url('/sign-in'));
    let status = 0;
    for (let attempt = 1; attempt <= 10 && status !== 429; attempt += 1) {
      const reply = page.waitForResponse((r) => r.url().endsWith('/api/v1/session') && r.request().method() === 'POST', WAIT);
      await signIn(page, null, 'Quiet Meadow', 'not the right password', { wait: 'none' });
      status = (await reply).status();
      await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
    }
    assert.equal(status, 429, 'the server limits sign-in attempts');
    const summary = await summaryState(page);
    assert.match(summary.text, /Please wait \d+ (minute|minutes|seconds?), then try again/);
    await assertAccessible(page, 'the sign-in page after too many attempts');
    await screenshot(page, 'sign-in-too-many.png');
    await assertNoProblems(page, problems, { allow: [failed(401, '/session'), failed(429, '/session')] });
    await page.close();
  });

  test('no request left 127.0.0.1', () => {
    assert.deepEqual(externalRequests, []);
  });
});

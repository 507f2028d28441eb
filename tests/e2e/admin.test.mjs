// Browser tests of the administration pages (/admin/users, /admin/users/<id>, /admin/audit)
// and of "Your data" (/account/data: download, delete), against the real server started with
// --demo.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/admin.test.mjs
//
// While the server does not have the administration or data endpoints yet (it answers 404),
// those requests are answered by a small in-memory fake of the agreed API (page.route), and
// the checks that need the real server (a suspended member is signed out, an erased account
// cannot sign in) are skipped. Every page is checked with axe-core; screenshots go to
// tests/e2e/screenshots/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  failedResponse as failed,
  h1Text,
  keyOf,
  launchBrowser,
  newContext,
  openPage,
  screenshot,
  signIn,
  startServer,
  totp,
} from './support.mjs';

const ADMIN = 'Demo Administrator';
const MEMBER = 'Demo Member';
const CARER = 'Demo Carer';
const WAIT = { timeout: 15_000 };
const SECRET_KEY_RE = /hash|secret|token|password|totp|recovery|key/i;

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests, { acceptDownloads: true });

// ---------------------------------------------------------------------------------------
// A fake of the agreed API, for a server that does not have it yet

function fakeApi() {
  const network = { slug: 'default', name: 'Harbour' };
  const users = [
    [1, ADMIN, 'member', true],
    [2, MEMBER, 'member', false],
    [3, CARER, 'carer', false],
    [4, 'Demo Volunteer', 'volunteer', false],
  ].map(([id, pseudonym, role, admin]) => ({
    id,
    pseudonym,
    status: 'active',
    is_admin: admin,
    created_at: '2026-01-05T10:00:00Z',
    memberships: [{ network, role, active: true }],
  }));
  const rows = [];
  const audit = (action, targetId, reason, outcome = 'success') =>
    rows.unshift({ id: rows.length + 1, at: new Date().toISOString(), actor_id: 1, actor_role: 'admin', action, target_type: 'user', target_id: targetId, network_id: null, reason, outcome, details: {} });
  const json = (route, status, body) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const problem = (route, status, code, message) => json(route, status, { error: { code, message } });

  return async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const p = url.pathname.replace('/api/v1', '');
    const body = req.postData() ? JSON.parse(req.postData()) : {};
    if (req.method() === 'GET' && p === '/admin/users') {
      const q = (url.searchParams.get('q') || '').toLowerCase();
      return json(route, 200, { users: users.filter((u) => u.pseudonym.toLowerCase().startsWith(q)) });
    }
    let m = /^\/admin\/users\/(\d+)$/.exec(p);
    if (req.method() === 'GET' && m) {
      const u = users.find((x) => x.id === Number(m[1]));
      if (!u) return problem(route, 404, 'user_not_found', 'There is no such person.');
      return json(route, 200, { ...u, session_count: 1, recent_sign_ins: [{ at: '2026-02-01T09:00:00Z', outcome: 'success' }], password_hash: 'never shown' });
    }
    m = /^\/admin\/users\/(\d+)\/(suspend|restore)$/.exec(p);
    if (req.method() === 'POST' && m) {
      const u = users.find((x) => x.id === Number(m[1]));
      if ((body.reason || '').length < 3) return problem(route, 400, 'invalid_reason', 'Enter a reason of 3 to 500 characters');
      if (u.id === 1 && m[2] === 'suspend') return problem(route, 409, 'cannot_suspend_self', 'You cannot suspend your own account.');
      u.status = m[2] === 'suspend' ? 'suspended' : 'active';
      audit(`admin.user.${m[2]}`, u.id, body.reason);
      return route.fulfill({ status: 204, body: '' });
    }
    m = /^\/admin\/users\/(\d+)\/memberships\/([a-z0-9-]+)$/.exec(p);
    if (req.method() === 'PUT' && m) {
      const u = users.find((x) => x.id === Number(m[1]));
      u.memberships[0].role = body.role;
      audit('admin.membership.role', u.id, null);
      return route.fulfill({ status: 204, body: '' });
    }
    if (req.method() === 'GET' && p === '/admin/audit') {
      return json(route, 200, { rows, verification: { ok: true, rows_checked: rows.length, first_bad_id: null, problem: null } });
    }
    if (req.method() === 'GET' && p === '/account/export') {
      return route.fulfill({
        status: 200,
        headers: { 'Content-Type': 'application/json', 'Content-Disposition': 'attachment; filename="harbour-data.json"' },
        body: JSON.stringify({ user: { pseudonym: MEMBER }, memberships: [], posts: [] }),
      });
    }
    if (req.method() === 'POST' && p === '/account/erase') {
      if (body.password !== 'quiet demo lighthouse') return problem(route, 401, 'wrong_password', 'That password is not right.');
      return route.fulfill({ status: 204, body: '' });
    }
    return route.continue();
  };
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/admin.test.mjs');
  });
} else describe('Harbour administration and your data', { timeout: 180_000 }, () => {
  let demo = null;
  let password = null;
  let adminKey = null;
  let realAdmin = false; // the server has the /admin endpoints
  let realData = false; // the server has /account/export and /account/erase
  let admin = null; // the administrator's context
  let member = null; // the member's context
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    adminKey = keyOf(await demo.waitForStdout(/Demo Administrator \(admin\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    // Without a session, an endpoint that exists answers 401 (or 403); one that does not, 404.
    const probe = await newContext(browser, externalRequests);
    realAdmin = (await probe.request.get(at('/api/v1/admin/users'))).status() !== 404;
    realData = (await probe.request.get(at('/api/v1/account/export'))).status() !== 404;
    await probe.close();
    console.log(`# admin endpoints: ${realAdmin ? 'real server' : 'FAKED (server answers 404)'}; data endpoints: ${realData ? 'real server' : 'FAKED'}`);
    const fake = fakeApi();
    admin = await person();
    member = await person();
    if (!realAdmin) await admin.route('**/api/v1/admin/**', fake);
    if (!realData) await member.route(/\/api\/v1\/account\/(export|erase)$/, fake);
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('the member signs in (for later)', async () => {
    const { page, problems } = await openPage(member);
    await signIn(page, at, MEMBER, password, { wait: 'name' });
    assert.equal(await page.locator('#header-admin').count(), 0, 'no Administration link for members');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('the administrator signs in with a code, finds the member, suspends and restores them', async () => {
    const { page, problems } = await openPage(admin);
    await page.goto(at('/admin/users'));
    await page.waitForURL(at(`/sign-in?next=${encodeURIComponent('/admin/users')}`), WAIT);
    await signIn(page, null, ADMIN, password, { wait: 'none' });
    await page.waitForURL(/\/sign-in\/two-step/, WAIT);
    await page.locator('#code').waitFor(WAIT);
    await page.fill('#code', totp(adminKey));
    await page.click('#two-step-form button[type="submit"]');
    await page.waitForURL(at('/admin/users'), WAIT);
    await page.locator('#header-admin').waitFor(WAIT);
    await page.locator('#users-search').waitFor(WAIT);
    await page.locator('#users-table, #users-results p').first().waitFor(WAIT);
    assert.equal(await h1Text(page), 'People on Harbour');
    await assertAccessible(page, 'the people page');
    await screenshot(page, 'admin-users.png');

    // Search by the start of the name.
    await page.fill('#users-q', MEMBER);
    await page.click('#users-search button[type="submit"]');
    await page.waitForURL(at(`/admin/users?q=${encodeURIComponent(MEMBER).replace(/%20/g, '+')}`), WAIT);
    const row = page.locator('#users-table tbody tr', { hasText: MEMBER });
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /Active/);
    assert.match(await row.innerText(), /Member/);
    await assertAccessible(page, 'the people page with a search');
    await row.getByRole('link', { name: MEMBER }).click();
    await page.waitForURL(/\/admin\/users\/\d+$/, WAIT);
    await page.locator('#user-details').waitFor(WAIT);
    const memberPage = page.url();
    assert.equal(await h1Text(page), MEMBER);
    assert.doesNotMatch(await page.locator('main').innerText(), /never shown|password hash/i, 'secret-looking fields are not shown');
    await assertAccessible(page, 'a person page');
    await screenshot(page, 'admin-user.png');

    // Suspend: a reason is required, then a confirm step.
    await page.click('#access-form button[type="submit"]');
    await page.locator('#access-reason-error').waitFor(WAIT);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter a reason/);
    await assertAccessible(page, 'a person page with an error');
    await page.fill('#access-reason', 'E2E: posting unkind replies');
    await page.click('#access-form button[type="submit"]');
    await page.locator('#access-question').waitFor(WAIT);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'access-question');
    await assertAccessible(page, 'the suspend confirm step');
    await screenshot(page, 'admin-user-suspend-confirm.png');
    await page.click('#access-confirm-yes');
    await page.locator('#flash', { hasText: 'is suspended' }).waitFor(WAIT);
    assert.match(await page.locator('#user-status').innerText(), /Suspended/);
    await assertAccessible(page, 'a suspended person');
    await screenshot(page, 'admin-user-suspended.png');

    if (realAdmin) {
      // The member is signed out on their next page, and cannot sign in.
      const m = await openPage(member);
      await m.page.goto(at('/account'));
      await m.page.waitForURL(/\/sign-in\?next=/, WAIT);
      await m.page.locator('#header-sign-in').waitFor(WAIT);
      await signIn(m.page, null, MEMBER, password, { wait: 'none' });
      await m.page.locator('.nhsuk-error-summary').waitFor({ state: 'visible', ...WAIT });
      assert.match(await m.page.locator('.nhsuk-error-summary').innerText(), /suspended/i);
      await assertAccessible(m.page, 'signing in while suspended');
      await screenshot(m.page, 'admin-member-suspended-sign-in.png');
      await m.page.close();
    }

    // Restore.
    await page.fill('#access-reason', 'E2E: talked it through');
    await page.click('#access-form button[type="submit"]');
    await page.locator('#flash', { hasText: 'can sign in again' }).waitFor(WAIT);
    assert.match(await page.locator('#user-status').innerText(), /Active/);
    assert.equal(page.url(), memberPage);
    await assertNoProblems(page, problems, { allow: [failed(401, '/session'), failed(400, '/admin/.*')] });
    await page.close();
  });

  test("the administrator changes the carer's role, then sees the audit log intact with these actions", async () => {
    const { page, problems } = await openPage(admin);
    await page.goto(at(`/admin/users?q=${encodeURIComponent(CARER)}`));
    const row = page.locator('#users-table tbody tr', { hasText: CARER });
    await row.waitFor(WAIT);
    await row.getByRole('link', { name: CARER }).click();
    await page.locator('#user-roles').waitFor(WAIT);
    const form = page.locator('.harbour-role-form').first();
    assert.equal(await form.locator('select').inputValue(), 'carer');
    await form.locator('select').selectOption('member');
    await form.locator('button[type="submit"]').click();
    await form.locator('[role="status"]', { hasText: 'Saved' }).waitFor(WAIT);
    await assertAccessible(page, 'a person page after changing a role');
    await screenshot(page, 'admin-user-role.png');
    await page.reload();
    await page.locator('#user-roles').waitFor(WAIT);
    assert.equal(await page.locator('.harbour-role-form select').first().inputValue(), 'member');

    // The audit log.
    await page.goto(at('/admin/audit'));
    await page.locator('#audit-verification').waitFor(WAIT);
    assert.equal(await page.locator('#audit-verification').getAttribute('data-ok'), 'true');
    assert.match(await page.locator('#audit-verification').innerText(), /The audit log is intact: \d+ rows? checked/);
    await page.locator('#audit-table').waitFor(WAIT);
    const text = await page.locator('#audit-table').innerText();
    assert.match(text, /suspend/i);
    assert.match(text, /restore/i);
    assert.match(text, /E2E: posting unkind replies/);
    assert.match(text, /role|membership/i);
    await assertAccessible(page, 'the audit log');
    await screenshot(page, 'admin-audit.png');
    // Filter by outcome.
    await page.selectOption('#audit-outcome', 'success');
    await page.click('#audit-filters button[type="submit"]');
    await page.waitForURL(/\/admin\/audit\?outcome=success$/, WAIT);
    await page.locator('#audit-table, #audit-results p').first().waitFor(WAIT);
    await assertAccessible(page, 'the audit log filtered');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('the member downloads their data, then deletes their account keeping posts anonymised', async () => {
    const { page, problems } = await openPage(member);
    await page.goto(at('/account'));
    // After the suspension the member was signed out: sign in again (restored now).
    await page.locator('#account-data-link, #sign-in-form').first().waitFor(WAIT);
    if (await page.locator('#sign-in-form').count()) await signIn(page, null, MEMBER, password, { wait: 'none' });
    await page.locator('#account-data-link').waitFor(WAIT);
    await page.click('#account-data-link');
    await page.waitForURL(at('/account/data'), WAIT);
    await page.locator('#data-download').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Your data');
    await assertAccessible(page, 'the your data page');
    await screenshot(page, 'account-data.png');

    // The download: JSON, with nothing secret in it.
    assert.equal(await page.locator('#data-download').getAttribute('href'), '/api/v1/account/export');
    assert.ok(await page.locator('#data-download').getAttribute('download'), 'a download link');
    let data;
    if (realData) {
      const downloading = page.waitForEvent('download', WAIT);
      await page.click('#data-download');
      const download = await downloading;
      data = JSON.parse(await readFile(await download.path(), 'utf8'));
    } else {
      // Chromium cancels downloads answered by page.route: read the faked file with fetch.
      data = await page.evaluate(() => fetch('/api/v1/account/export').then((r) => r.json()));
    }
    assert.equal(typeof data, 'object');
    assert.match(JSON.stringify(data), new RegExp(MEMBER));
    const secretKeys = [];
    const walk = (v, where) => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${where}[${i}]`));
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          // Fields may say a secret is held ("... (not included)"), but never carry one.
          const describes = typeof x === 'string' && /not included|^none$/.test(x);
          if (SECRET_KEY_RE.test(k) && typeof x !== 'object' && x !== null && x !== false && !describes) secretKeys.push(`${where}.${k}`);
          if (typeof x === 'string' && /^\$argon2|^[A-Z2-7]{16,}$/.test(x)) secretKeys.push(`${where}.${k} (looks like a hash or key)`);
          walk(x, `${where}.${k}`);
        }
      }
    };
    walk(data, '$');
    assert.deepEqual(secretKeys, [], 'no password hash, secret or token fields in the export');

    // Nothing chosen: errors. A wrong password: refused.
    await page.click('#erase-continue');
    await page.locator('#erase-content-error').waitFor(WAIT);
    await page.locator('#erase-password-error').waitFor(WAIT);
    await assertAccessible(page, 'the delete form with errors');
    await page.check('#erase-content');
    assert.equal(await page.locator('#erase-content').inputValue(), 'anonymise');
    await page.fill('#erase-password', 'not my password at all');
    await page.click('#erase-continue');
    await page.locator('#erase-question').waitFor(WAIT);
    await page.click('#erase-yes');
    await page.locator('#erase-password-error').waitFor(WAIT);
    assert.equal(await page.locator('#erase-password').inputValue(), '');

    // The right password, and the confirm step.
    await page.fill('#erase-password', password);
    await page.click('#erase-continue');
    await page.locator('#erase-question').waitFor(WAIT);
    assert.match(await page.locator('#erase-confirm').innerText(), /without your name/);
    await assertAccessible(page, 'the delete confirm step');
    await screenshot(page, 'account-data-erase-confirm.png');
    await page.click('#erase-yes');
    await page.locator('#erase-done').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Your account has been deleted');
    if (realData) await page.locator('#header-sign-in').waitFor(WAIT);
    await assertAccessible(page, 'the account deleted page');
    await screenshot(page, 'account-data-erased.png');

    if (realData) {
      await signIn(page, at, MEMBER, password, { wait: 'none' });
      await page.locator('.nhsuk-error-summary').waitFor({ state: 'visible', ...WAIT });
      assert.equal(await page.locator('#header-sign-in').count(), 1);
    }
    await assertNoProblems(page, problems, { allow: [failed(401, '/.*'), failed(400, '/account/erase')] });
    await page.close();
  });

  test('no request left 127.0.0.1', () => {
    assert.deepEqual(externalRequests, []);
  });
});

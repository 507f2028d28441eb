// Browser test of the safeguarding case pages against the real server started with --demo.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/cases.test.mjs
//
// The demo clinician opens a case about the demo member through the API (the risk lexicon opens
// them from posts once the gate calls it), finds it in /cases, acknowledges it, adds a handover
// note and closes it with an outcome on /cases/item; a member sees neither the link nor the list.
// Every page is checked with axe-core; screenshots go to tests/e2e/screenshots/cases-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  failedResponse,
  h1Text,
  keyOf,
  launchBrowser,
  openPage,
  screenshot,
  signIn,
  startServer,
} from './support.mjs';

const MEMBER = 'Demo Member';
const CLINICIAN = 'Demo Clinician';
const WAIT = { timeout: 15_000 };

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** A JSON API call from inside the signed-in page (its cookie, its CSRF token). */
async function api(page, method, path, body) {
  return page.evaluate(
    async ([m, p, b]) => {
      const session = await (await fetch('/api/v1/session', { credentials: 'same-origin' })).json();
      const headers = { Accept: 'application/json' };
      if (m !== 'GET') {
        headers['Content-Type'] = 'application/json';
        headers['X-CSRF-Token'] = session.csrf_token;
      }
      const r = await fetch(`/api/v1${p}`, { method: m, headers, credentials: 'same-origin', body: b === undefined ? undefined : JSON.stringify(b) });
      return { status: r.status, body: await r.json() };
    },
    [method, path, body],
  );
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/cases.test.mjs');
  });
} else describe('Harbour safeguarding cases', { timeout: 240_000 }, () => {
  let demo = null;
  let password = null;
  let clinicianKey = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(/Demo Clinician \(clinician\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('a clinician acknowledges a case, leaves a handover note and closes it; a member sees no cases', { timeout: 180_000 }, async () => {
    // The member: who they are, and one of their posts for the case to point at.
    const m = await openPage(await person());
    await signIn(m.page, at, MEMBER, password);
    assert.equal(await m.page.locator('#nav-cases').count(), 0, 'no Cases link for members');
    const me = await api(m.page, 'GET', '/session');
    const memberId = me.body.user.id;
    const network = me.body.memberships.find((x) => x.active && x.role === 'member')?.network?.slug;
    assert.ok(memberId && network, 'the demo member holds a member key');
    // A topic of theirs, held for a moderator as a risk post is (the gate will open cases itself).
    const categories = await api(m.page, 'GET', `/networks/${network}/categories`);
    const category = categories.body.categories.find((x) => x.can_post === true);
    assert.ok(category, 'a category where the member may post');
    const written = await api(m.page, 'POST', `/categories/${category.id}/topics`, {
      title: 'A really hard week',
      body: 'Everything feels heavy at the moment and I am not sleeping. I do not know how much longer I can keep going like this.',
    });
    assert.equal(written.status, 201, JSON.stringify(written.body));
    const post = written.body.post;

    // The clinician opens a case by hand (as the gate will from a risk phrase).
    const c = await openPage(await person());
    await signIn(c.page, at, CLINICIAN, password, { key: clinicianKey });
    const opened = await api(c.page, 'POST', `/networks/${network}/cases`, {
      member_id: memberId,
      post_id: post.id,
      tier: 'urgent',
      note: 'Their last post sounded much lower than usual. Please check in today.',
    });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const caseId = opened.body.case.id;
    assert.equal(opened.body.case.state, 'open');

    // The list: the case with its urgency, status, deadline and owner.
    await c.page.locator('#nav-cases').click();
    await c.page.waitForURL(/\/cases/, WAIT);
    const row = c.page.locator(`#case-${caseId}`);
    await row.waitFor(WAIT);
    assert.match(await h1Text(c.page), /^Safeguarding cases/);
    const rowText = await row.innerText();
    assert.match(rowText, /Urgent/);
    assert.match(rowText, /Waiting/);
    assert.match(rowText, /Nobody yet/);
    assert.match(rowText, /Demo Member/);
    assert.match(rowText, /not sleeping/, 'the excerpt of the post');
    await assertAccessible(c.page, 'the list of cases');
    await screenshot(c.page, 'cases-list.png');

    // The case: summary, timeline, and the steps open to a clinician.
    await row.locator('a', { hasText: `Case ${caseId}` }).click();
    await c.page.waitForURL(new RegExp(`/cases/item\\?id=${caseId}$`), WAIT);
    await c.page.locator('#case-summary').waitFor(WAIT);
    assert.equal(await h1Text(c.page), `Case ${caseId}: Demo Member`);
    assert.match(await c.page.locator('#case-events').innerText(), /sounded much lower than usual/);
    assert.match(await c.page.locator(`#post-${post.id}`).innerText(), /how much longer I can keep going/);
    assert.equal(await c.page.locator('#case-contacted-note').count(), 0, 'no contact form before acknowledging');
    await assertAccessible(c.page, 'an open case');
    await screenshot(c.page, 'cases-open.png');

    await c.page.click('#case-acknowledge-submit');
    await c.page.locator('#case-done', { hasText: 'Case acknowledged.' }).waitFor(WAIT);
    assert.match(await c.page.locator('#case-state').innerText(), /Acknowledged/);
    assert.equal(await c.page.locator('#case-owner').innerText(), CLINICIAN);

    // A handover note for the next shift.
    await c.page.fill('#case-note-body', 'Left a voicemail at 3pm. Next shift: please try again before 6pm.');
    await c.page.check('#case-note-handover');
    await c.page.click('#case-note-body-submit');
    await c.page.locator('#case-done', { hasText: 'Handover note added.' }).waitFor(WAIT);
    const handover = c.page.locator('#case-events li[data-kind="handover"]');
    await handover.waitFor(WAIT);
    assert.match(await handover.innerText(), /Left a voicemail at 3pm/);
    await assertAccessible(c.page, 'an acknowledged case');

    // Closing needs an outcome.
    await c.page.click('#case-outcome-submit');
    await c.page.locator('#case-outcome-error').waitFor(WAIT);
    await assertAccessible(c.page, 'closing without an outcome');
    await screenshot(c.page, 'cases-close-error.png');
    await c.page.fill('#case-outcome', 'Spoke with them at 5pm: safe, with a safety plan; GP informed; follow-up booked.');
    await c.page.click('#case-outcome-submit');
    await c.page.locator('#case-done', { hasText: 'Case closed.' }).waitFor(WAIT);
    assert.match(await c.page.locator('#case-state').innerText(), /Closed/);
    assert.match(await c.page.locator('#case-summary').innerText(), /safety plan; GP informed/);
    assert.equal(await c.page.locator('#case-outcome-form').count(), 0, 'no close form on a closed case');
    await c.page.locator('#case-reopen-reason').waitFor(WAIT);
    await assertAccessible(c.page, 'a closed case');
    await screenshot(c.page, 'cases-closed.png');

    // Closed cases have their own list; the active list no longer shows it.
    await c.page.goto(at(`/cases?network=${network}&state=closed`));
    await c.page.locator(`#case-${caseId}`).waitFor(WAIT);
    await c.page.goto(at(`/cases?network=${network}`));
    await c.page.locator('#cases, #cases-empty').first().waitFor(WAIT);
    assert.equal(await c.page.locator(`#case-${caseId}`).count(), 0);
    await assertNoProblems(c.page, c.problems);

    // Every step is in the case's timeline, in order (as the API gives it).
    const again = await api(c.page, 'GET', `/cases/${caseId}`);
    assert.deepEqual(
      again.body.case.events.map((e) => e.kind),
      ['state', 'note', 'state', 'handover', 'state'],
    );

    // The member: no list of cases, and the API refuses too.
    await m.page.goto(at(`/cases?network=${network}`));
    await m.page.locator('main .nhsuk-lede-text', { hasText: 'for staff of this community' }).waitFor(WAIT);
    await assertAccessible(m.page, 'cases for a member');
    assert.equal((await api(m.page, 'GET', `/cases/${caseId}`)).status, 403);
    await assertNoProblems(m.page, m.problems, { allow: [failedResponse(403, '/cases/\\d+')] });
  });
});

// Browser test of oversight against the real server started with --demo:
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/oversight.test.mjs
//
// The administrator adds a 'flag' watched word (published, and a moderator is asked to look); a
// member's post with it is published and waits in the queue as flagged. The demo clinician opens
// the moderation dashboard from the queue and the weekly service report from the dashboard,
// changes the weeks and downloads the CSV. The queue reloads itself on live events unless the
// moderator is typing (then a "New items: refresh" button waits); the cases list picks up a new
// case from the socket. Members see neither page. Every page is checked with axe-core;
// screenshots go to tests/e2e/screenshots/oversight-*.png.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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
const ADMIN = 'Demo Administrator';
const FLAG_WORD = 'thunderstorm';
const CSV_HEADER = 'week_start,members_active,posts,held,held_share,median_review_minutes,cases_opened,cases_answered_in_time,cases_closed';
const WAIT = { timeout: 15_000 };

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests, { acceptDownloads: true });

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

/** What live.js dispatches for a socket message (the page cannot tell the difference). */
async function liveEvent(page, detail) {
  await page.evaluate((d) => document.dispatchEvent(new CustomEvent('harbour:live', { detail: d })), detail);
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/oversight.test.mjs');
  });
} else describe('Harbour oversight: flag words, the dashboard, the service report, live lists', { timeout: 300_000 }, () => {
  let demo = null;
  let password = null;
  let clinicianKey = null;
  let adminKey = null;
  let member = null;
  let network = null;
  let category = null;
  let clinician = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  // One sign-in for the clinician: a two-step code cannot be used twice.
  async function clinicianPage() {
    if (!clinician) {
      clinician = await openPage(await person());
      await signIn(clinician.page, at, CLINICIAN, password, { key: clinicianKey });
    }
    return clinician;
  }

  /** A new topic by the demo member, through the API; returns its post. */
  async function memberTopic(title, body) {
    const written = await api(member.page, 'POST', `/categories/${category}/topics`, { title, body });
    assert.equal(written.status, 201, JSON.stringify(written.body));
    return written.body.post;
  }

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(new RegExp(`${CLINICIAN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    adminKey = keyOf(await demo.waitForStdout(new RegExp(`${ADMIN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    member = await openPage(await person());
    await signIn(member.page, at, MEMBER, password);
    const me = await api(member.page, 'GET', '/session');
    network = me.body.memberships.find((x) => x.active && x.role === 'member')?.network?.slug;
    assert.ok(network, 'the demo member holds a member key');
    const categories = await api(member.page, 'GET', `/networks/${network}/categories`);
    category = categories.body.categories.find((x) => x.can_post === true)?.id;
    assert.ok(category, 'a category where the member may post');
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('an administrator adds a flag word; a post with it is published and a moderator is asked to look', { timeout: 120_000 }, async () => {
    const a = await openPage(await person());
    await signIn(a.page, at, ADMIN, password, { key: adminKey });
    await a.page.goto(at(`/admin/moderation-settings?network=${network}`));
    await a.page.locator('#word-form').waitFor(WAIT);
    const flag = a.page.getByLabel('Publish, and ask a moderator to look', { exact: true });
    assert.equal(await flag.isChecked(), false, 'hold stays the default');
    await a.page.fill('#word-phrase', FLAG_WORD);
    await flag.check();
    await assertAccessible(a.page, 'moderation settings with the flag choice');
    await screenshot(a.page, 'oversight-flag-word-form.png');
    await a.page.click('#word-form button[type="submit"]');
    const row = a.page.locator('#words-table tr', { hasText: FLAG_WORD });
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /Publish, and ask a moderator to look/);
    const words = await api(a.page, 'GET', `/networks/${network}/watched-words`);
    assert.equal(words.body.words.find((w) => w.phrase === FLAG_WORD)?.action, 'flag');
    await assertAccessible(a.page, 'moderation settings with a flag word');
    await screenshot(a.page, 'oversight-flag-word-added.png');
    await assertNoProblems(a.page, a.problems);

    // The member's post with the word: in the queue as a flagged word (whatever else holds it).
    const post = await memberTopic('After the storm', `Last night's ${FLAG_WORD} kept me awake, but I made it to my walk this morning.`);
    const queue = await api(a.page, 'GET', `/networks/${network}/moderation/queue`);
    const item = queue.body.items.find((i) => i.post?.id === post.id);
    assert.ok(item, 'the flagged post waits for a moderator');
    if (post.state === 'published') assert.equal(item.reason, 'flag');
  });

  test('a clinician reads the dashboard and the service report and downloads it as CSV', { timeout: 120_000 }, async () => {
    const c = await clinicianPage();
    await c.page.goto(at(`/moderation?network=${network}`));
    await c.page.locator('#moderation-dashboard-link').click();
    await c.page.waitForURL(/\/moderation\/dashboard\?network=/, WAIT);
    await c.page.locator('#dashboard').waitFor(WAIT);
    assert.match(await h1Text(c.page), /^Moderation dashboard/);
    const d = (await api(c.page, 'GET', `/networks/${network}/moderation/dashboard`)).body.dashboard;
    assert.match(await c.page.locator('#dashboard-open').innerText(), new RegExp(`^${d.queue.open}\\s+items? waiting`));
    if (d.queue.open > 0) assert.match(await c.page.locator('#dashboard-oldest').innerText(), /^Oldest waiting \d+ (minute|hour|day)/);
    if (d.review_last_7_days.median_minutes === null) await c.page.locator('#dashboard-review-none', { hasText: 'Not enough reviews yet.' }).waitFor(WAIT);
    else await c.page.locator('#dashboard-review-times').waitFor(WAIT);
    assert.match(await c.page.locator('#dashboard-active-cases').innerText(), new RegExp(`^${d.cases.active}\\s+cases? not yet closed`));
    const late = c.page.locator('#dashboard-past-deadline .nhsuk-tag--red');
    assert.equal(await late.count(), d.cases.past_deadline > 0 ? 1 : 0, 'a red tag only when cases are past their deadline');
    assert.equal(await c.page.locator('#dashboard-cases-link').getAttribute('href'), `/cases?network=${network}`);
    await assertAccessible(c.page, 'the moderation dashboard');
    await screenshot(c.page, 'oversight-dashboard.png');

    // The service report: 8 weeks by default, what is left out explained above the table.
    await c.page.locator('#dashboard-report-link').click();
    await c.page.waitForURL(/\/service-report\?network=/, WAIT);
    await c.page.locator('#report').waitFor(WAIT);
    assert.match(await h1Text(c.page), /^Service report/);
    assert.match(await c.page.locator('#report-privacy').innerText(), /To protect privacy, counts from 1 to 4 are not shown/);
    assert.equal(await c.page.locator('#report tbody tr').count(), 8);
    assert.equal(await c.page.locator('#report thead th[scope="col"]').count(), 9);
    assert.equal(await c.page.locator('#report tbody th[scope="row"]').count(), 8);
    const json = (await api(c.page, 'GET', `/networks/${network}/service-report?weeks=8`)).body;
    const thisWeek = json.weeks.at(-1);
    const lastRow = c.page.locator(`#report tr[data-week="${thisWeek.week_start}"]`);
    const postsCell = await lastRow.locator('td[data-column="posts"]').innerText();
    assert.match(postsCell, thisWeek.posts === null ? /fewer than 5/ : new RegExp(`\\b${thisWeek.posts}$`));
    await assertAccessible(c.page, 'the service report');
    await screenshot(c.page, 'oversight-service-report.png');

    await c.page.selectOption('#report-weeks', '4');
    await c.page.click('#report-weeks-form button[type="submit"]');
    await c.page.waitForURL(/weeks=4/, WAIT);
    await c.page.locator('#report tbody tr').nth(3).waitFor(WAIT);
    assert.equal(await c.page.locator('#report tbody tr').count(), 4);
    const href = await c.page.locator('#report-csv').getAttribute('href');
    assert.equal(href, `/api/v1/networks/${network}/service-report?weeks=4&format=csv`);

    // The download: the browser sends the cookie with it.
    const [download] = await Promise.all([c.page.waitForEvent('download'), c.page.click('#report-csv')]);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.split('\r\n').filter(Boolean);
    assert.equal(lines[0], CSV_HEADER);
    assert.equal(lines.length, 5, 'a header and 4 weeks');
    const reply = await c.page.request.get(at(href));
    assert.equal(reply.status(), 200);
    assert.match(reply.headers()['content-type'], /^text\/csv/);
    await assertNoProblems(c.page, c.problems);

    // A member sees neither page.
    await member.page.goto(at(`/moderation/dashboard?network=${network}`));
    await member.page.locator('main .nhsuk-lede-text', { hasText: 'for staff of this community' }).waitFor(WAIT);
    await assertAccessible(member.page, 'the dashboard for a member');
    await member.page.goto(at(`/service-report?network=${network}`));
    await member.page.locator('main .nhsuk-lede-text', { hasText: 'for clinicians and administrators' }).waitFor(WAIT);
    assert.equal((await api(member.page, 'GET', `/networks/${network}/service-report`)).status, 403);
    await assertNoProblems(member.page, member.problems, { allow: [failedResponse(403, '/networks/[a-z0-9-]+/service-report')] });
  });

  test('the queue and the cases list follow live events without losing what a moderator types', { timeout: 150_000 }, async () => {
    const c = await clinicianPage();
    await c.page.goto(at(`/moderation?network=${network}`));
    const first = c.page.locator('.harbour-queue-item').first();
    await first.waitFor(WAIT).catch(async (err) => {
      throw new Error(`${err.message}\nThe page said: ${await c.page.locator('main').innerText()}`);
    });

    // Typing: the list stays put, and a button offers the new items.
    const note = first.locator('textarea[name="note"]');
    await note.fill('Looks fine to me, checking with a colleague.');
    const second = await memberTopic('A small win', `Walked to the shop during the ${FLAG_WORD} and did not turn back.`);
    await liveEvent(c.page, { type: 'queue_changed', network: 'another-community', open: 99 });
    await liveEvent(c.page, { type: 'queue_changed', network, open: 2 });
    const refresh = c.page.locator('#queue-refresh');
    await refresh.waitFor(WAIT);
    assert.equal(await note.inputValue(), 'Looks fine to me, checking with a colleague.', 'the note survives');
    assert.equal(await c.page.locator(`.harbour-queue-item[data-item-id] #post-${second.id}`).count(), 0, 'nothing moved yet');
    await assertAccessible(c.page, 'the queue with new items waiting');
    await screenshot(c.page, 'oversight-queue-refresh-button.png');
    await refresh.click();
    await c.page.locator(`#post-${second.id}`).waitFor(WAIT);
    assert.equal(await c.page.locator('#queue-refresh').count(), 0);
    assert.equal(await c.page.evaluate(() => document.activeElement?.id), 'queue-status', 'focus on the updated count');

    // Not typing: the list reloads by itself.
    const third = await memberTopic('Brighter today', `The ${FLAG_WORD} passed and the sky cleared.`);
    await liveEvent(c.page, { type: 'queue_changed', network, open: 3 });
    await c.page.locator(`#post-${third.id}`).waitFor(WAIT);
    assert.equal(await c.page.locator('#queue-refresh').count(), 0, 'no button when nobody is typing');
    await assertNoProblems(c.page, c.problems);

    // The cases list: a case opened elsewhere arrives over the socket, long before the 30 s poll.
    await c.page.goto(at(`/cases?network=${network}`));
    await c.page.locator('#cases, #cases-empty').first().waitFor(WAIT);
    const me = await api(member.page, 'GET', '/session');
    const opened = await api(c.page, 'POST', `/networks/${network}/cases`, { member_id: me.body.user.id, post_id: third.id, tier: 'concern', note: 'Checking in after the storm posts.' });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    await c.page.locator(`#case-${opened.body.case.id}`).waitFor({ timeout: 10_000 });
    await assertAccessible(c.page, 'the cases list after a live case');
    await screenshot(c.page, 'oversight-cases-live.png');
    await assertNoProblems(c.page, c.problems);
    assert.deepEqual(externalRequests, []);
  });
});

// Browser journey through the Wall (schema/api/wall.md), the live moderated feed, against the real
// server started with --demo:
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/wall.test.mjs
//
// The administrator opens the office all week (API), lets members' posts through
// (post_moderate), holds a watched word and puts the clinician on the rota. Three people each in
// their own browser context: the demo member, a peer who joins with an invitation, and the demo
// clinician. The member and the peer talk live (each sees the other's message and reply appear
// without a reload, and a support reaction); the clinician answers (the "Clinician" badge shows
// to the members); the peer's message with the watched word waits ("Waiting for a moderator")
// and reaches the member only when the clinician approves it in the moderation queue; the
// clinician removes a message and it leaves both members' pages live. The anonymity check stops
// a phone number before it is sent, 429 rate_limited is told calmly, and a session ended by
// suspension shows "Sign in again" (close code 4001). A second test closes the office: members
// read only, with the way to urgent help; staff still post. Every state is checked with axe-core;
// screenshots go to tests/e2e/screenshots/wall-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  failedResponse as failed,
  keyOf,
  launchBrowser,
  openPage,
  runHarbour,
  screenshot,
  signIn,
  startServer,
  wsFramesChecked,
} from './support.mjs';

const MEMBER = 'Demo Member';
const CLINICIAN = 'Demo Clinician';
const ADMIN = 'Demo Administrator';
const PEER = 'Tidal Pool';
const PEER_PASSWORD = 'kettle orbit meadow tulip';
const NETWORK = 'default';
const WAIT = { timeout: 15_000 };
const STAMP = Date.now().toString(36);
const WATCHED = 'marmalade';
const LINK_RE = /https?:\/\/[^\s"']+\/join#[^\s"']+/;
const WEEKDAYS = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** A JSON API call from inside a signed-in page (its cookie and CSRF token). */
async function api(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const headers = { Accept: 'application/json' };
      if (method !== 'GET') {
        const session = await fetch('/api/v1/session', { headers, credentials: 'same-origin' }).then((r) => r.json());
        headers['Content-Type'] = 'application/json';
        headers['X-CSRF-Token'] = session.csrf_token;
      }
      const r = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: r.status, body: json, retryAfter: r.headers.get('Retry-After') };
    },
    { method, path, body },
  );
}

async function apiOk(page, method, path, body, expected = [200, 201, 204]) {
  const r = await api(page, method, path, body);
  assert.ok(expected.includes(r.status), `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The ISO weekday (1 Monday .. 7 Sunday) in London, `days` from now. */
function londonWeekday(days = 0) {
  const name = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short' }).format(new Date(Date.now() + days * 86_400_000));
  return WEEKDAYS[name];
}

const openAllWeek = () => ({ week: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })), closures: [] });
// Open only on the weekday three days from now: closed now, whatever the time.
const closedNow = () => ({ week: [{ weekday: londonWeekday(3), opens: '09:00', closes: '17:00' }], closures: [] });

/** Open the Wall and wait until it is live. */
async function openWall(page, at) {
  await page.goto(at(`/wall?network=${NETWORK}`));
  await page.locator('#wall-messages').waitFor({ state: 'attached', ...WAIT });
  await page.locator('#wall-connection[data-state="live"]').waitFor(WAIT);
  // A mark that a reload would wipe: everything below must arrive without one.
  await page.evaluate(() => {
    window.__wallNoReload = true;
    // Every polite announcement, in order (the live region holds only the latest).
    window.__announced = [];
    const region = document.getElementById('live-announcer');
    new MutationObserver(() => {
      const text = region.textContent.trim();
      if (text) window.__announced.push(text);
    }).observe(region, { childList: true, characterData: true, subtree: true });
  });
}

async function notReloaded(page) {
  assert.equal(await page.evaluate(() => window.__wallNoReload === true), true, 'the Wall was not reloaded');
}

const item = (page, text) => page.locator('#wall-messages > li.harbour-wall__item', { hasText: text });

// Times a send met 429 rate_limited in the journey (people write at their own pace; the
// limit's own check is at the end).
const rateLimited = [];

/** Write in the main compose box and send; waits for the box to empty again. */
async function send(page, text) {
  await page.fill('#wall-compose-body', text);
  for (let attempt = 0; attempt < 4; attempt += 1) {
    await page.locator('#wall-compose button[type="submit"]', { hasText: 'Send message' }).click();
    await page.waitForFunction(
      () => document.querySelector('#wall-compose-body')?.value === '' || /sending messages quickly/.test(document.querySelector('#wall-compose-notice')?.textContent || ''),
      null,
      WAIT,
    );
    if ((await page.inputValue('#wall-compose-body')) === '') return;
    const wait = Number(/wait (\d+) second/.exec(await page.locator('#wall-compose-notice').innerText())?.[1] || 5);
    rateLimited.push({ text, wait });
    await page.waitForTimeout(wait * 1000 + 200);
  }
  assert.fail(`could not send "${text}": still rate limited`);
}

async function messageId(locator) {
  const id = Number(await locator.getAttribute('data-message-id'));
  assert.ok(id > 0);
  return id;
}

async function liveAnnouncement(page, re) {
  try {
    await page.waitForFunction((source) => (window.__announced || []).some((t) => new RegExp(source).test(t)), re.source, WAIT);
  } catch (err) {
    throw new Error(`no announcement matching ${re} on ${page.url()}; heard: ${JSON.stringify(await page.evaluate(() => window.__announced))}`, { cause: err });
  }
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/wall.test.mjs');
  });
} else describe('Harbour Wall: live, moderated, office hours', { timeout: 420_000 }, () => {
  let demo = null;
  let password = null;
  let adminKey = null;
  let clinicianKey = null;
  let admin = null; // the administrator's page, signed in once (a two-step code cannot be used twice)
  let clinician = null;
  let member = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    adminKey = keyOf(await demo.waitForStdout(new RegExp(`${ADMIN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    clinicianKey = keyOf(await demo.waitForStdout(new RegExp(`${CLINICIAN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    admin = await openPage(await person());
    await signIn(admin.page, at, ADMIN, password, { key: adminKey });
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('a member and a peer talk live; a clinician answers, approves a held message and removes one', { timeout: 300_000 }, async () => {
    // ---- the administrator: open all week, members' posts go through, one watched word holds ----
    await apiOk(admin.page, 'PUT', `/networks/${NETWORK}/office-hours`, openAllWeek());
    await apiOk(admin.page, 'PUT', `/networks/${NETWORK}/moderation/policy`, { mode: 'post_moderate', first_posts: 0 });
    await apiOk(admin.page, 'POST', `/networks/${NETWORK}/watched-words`, { phrase: WATCHED, action: 'hold' }, [201]);
    const users = await apiOk(admin.page, 'GET', `/admin/users?network=${NETWORK}&q=${encodeURIComponent(CLINICIAN)}`);
    const clinicianId = users.users.find((u) => u.pseudonym === CLINICIAN)?.id;
    assert.ok(clinicianId, 'the demo clinician is listed');
    // On shift from a minute ago for ten minutes (409: a demo shift covers this time already).
    const now = Date.now();
    await apiOk(admin.page, 'POST', `/networks/${NETWORK}/rota`, { user_id: clinicianId, starts_at: new Date(now - 60_000).toISOString(), ends_at: new Date(now + 600_000).toISOString() }, [201, 409]);

    // ---- three people: the member, a peer who joins now, the clinician ----
    member = await openPage(await person());
    await signIn(member.page, at, MEMBER, password);
    assert.equal(await member.page.locator('#nav-wall').count(), 1, 'members have the Wall in the navigation');

    const peer = await openPage(await person());
    const printed = await runHarbour(['invite', 'create', '--data-dir', demo.dataDir, '--role', 'member', '--network', NETWORK]);
    const link = LINK_RE.exec(printed)?.[0];
    assert.ok(link, `an invitation link in: ${printed}`);
    const printedUrl = new URL(link);
    await peer.page.goto(at(printedUrl.pathname + printedUrl.hash));
    await peer.page.locator('#join-form').waitFor(WAIT);
    await peer.page.fill('#pseudonym', PEER);
    await peer.page.fill('#password', PEER_PASSWORD);
    await peer.page.fill('#password-confirm', PEER_PASSWORD);
    await peer.page.check('#accept-guidelines');
    await peer.page.click('#join-form button[type="submit"]');
    await peer.page.locator('#header-pseudonym', { hasText: PEER }).waitFor(WAIT);
    await peer.page.locator('#nav-wall').click();
    await peer.page.waitForURL(/\/wall\?network=/, WAIT);
    await peer.page.locator('#wall-connection[data-state="live"]').waitFor(WAIT);

    clinician = await openPage(await person());
    await signIn(clinician.page, at, CLINICIAN, password, { key: clinicianKey });
    assert.equal(await clinician.page.locator('#nav-wall').count(), 1, 'staff have the Wall in the navigation');

    await openWall(member.page, at);
    await openWall(peer.page, at);
    await openWall(clinician.page, at);
    assert.equal((await member.page.locator('main h1').innerText()).trim(), 'The Wall');
    assert.match(await member.page.locator('#wall-office').innerText(), /Moderators are here now/);
    // Presence: both members, and the clinician on shift.
    await member.page.waitForFunction(() => /\b2 peers here\b/.test(document.getElementById('wall-presence')?.textContent || ''), null, WAIT);
    // The demo rota may have other roles on shift at this hour too ("Clinician, Peer supporter and
    // Volunteer on shift"): the clinician must be among them.
    await member.page.waitForFunction(() => /\bClinician\b[^.]*\bon shift\b/.test(document.getElementById('wall-presence')?.textContent || ''), null, WAIT);

    // ---- the member writes; the peer sees it arrive, announced politely ----
    const hello = `Morning all. Tea made and a short walk done before work ${STAMP}.`;
    await send(member.page, hello);
    const memberItem = item(member.page, hello);
    await memberItem.waitFor(WAIT);
    const helloId = await messageId(memberItem);
    assert.match(await memberItem.locator('article').first().locator('.harbour-post__author').innerText(), new RegExp(`${MEMBER}.*\\(you\\)`));
    await item(peer.page, hello).waitFor(WAIT);
    await liveAnnouncement(peer.page, new RegExp(`New message from ${MEMBER}`));
    assert.equal(await peer.page.locator('#wall-messages[aria-live]').count(), 0, 'the list itself is not a live region');

    // ---- the peer replies and sends support; the member sees both live ----
    const peerItem = item(peer.page, hello);
    await peerItem.locator('.harbour-reaction[data-reaction="support"]').first().click();
    await peerItem.locator('.harbour-reaction[data-reaction="support"][aria-pressed="true"]').first().waitFor(WAIT);
    await peerItem.locator('.harbour-wall__reply-button').click();
    const replyBox = peer.page.locator(`#wall-reply-${helloId}`);
    await replyBox.locator('textarea').waitFor(WAIT);
    assert.equal(await peer.page.evaluate(() => document.activeElement?.id), `wall-reply-${helloId}-body`, 'the reply box takes the focus when asked for');
    const reply = `Well done. I managed the walk too, slowly ${STAMP}.`;
    await replyBox.locator('textarea').fill(reply);
    await replyBox.locator('button[type="submit"]', { hasText: 'Send reply' }).click();
    await peer.page.locator(`#wall-replies-${helloId} li`, { hasText: reply }).waitFor(WAIT);
    await member.page.locator(`#wall-replies-${helloId} li`, { hasText: reply }).waitFor(WAIT);
    await liveAnnouncement(member.page, new RegExp(`New reply from ${PEER}`));
    await memberItem.locator('article').first().locator('.harbour-reactions__summary', { hasText: 'Sending support: 1' }).waitFor(WAIT);
    await notReloaded(member.page);
    await notReloaded(peer.page);

    // Focus never jumps: a message arriving while the member types keeps the focus in the box.
    await member.page.focus('#wall-compose-body');
    await member.page.locator('#wall-compose-body').pressSequentially('Thinking');
    const fromPeer = `Does anyone else find Mondays harder since finishing therapy? ${STAMP}`;
    await send(peer.page, fromPeer);
    await item(member.page, fromPeer).waitFor(WAIT);
    assert.equal(await member.page.evaluate(() => document.activeElement?.id), 'wall-compose-body');
    assert.equal(await member.page.inputValue('#wall-compose-body'), 'Thinking');
    await member.page.fill('#wall-compose-body', '');

    // ---- the clinician answers: the members see the Clinician badge ----
    const answer = `Mondays are often harder: you are not alone in that. I am here until five ${STAMP}.`;
    await send(clinician.page, answer);
    for (const p of [member.page, peer.page]) {
      const answered = item(p, answer);
      await answered.waitFor(WAIT);
      assert.equal((await answered.locator('.harbour-badge-tag').innerText()).trim(), 'Clinician');
    }
    await assertAccessible(member.page, 'the Wall, live, as a member');
    await screenshot(member.page, 'wall-member-live.png');

    // ---- the anonymity check stops a phone number before anything is sent ----
    await member.page.fill('#wall-compose-body', `If anyone wants to talk, text me on 07700 900123 ${STAMP}`);
    await member.page.locator('#wall-compose button[type="submit"]', { hasText: 'Send message' }).click();
    const check = member.page.locator('#wall-compose-check-heading');
    await check.waitFor(WAIT);
    assert.match(await check.innerText(), /Could this identify you/);
    assert.equal(await member.page.evaluate(() => document.activeElement?.id), 'wall-compose-check-heading');
    assert.match(await member.page.locator('#wall-compose-check').innerText(), /phone number/);
    await assertAccessible(member.page, 'the anonymity check on the Wall');
    await screenshot(member.page, 'wall-anonymity-check.png');
    await member.page.click('#wall-compose-change');
    assert.equal(await member.page.evaluate(() => document.activeElement?.id), 'wall-compose-body');
    await member.page.fill('#wall-compose-body', '');
    assert.equal(await member.page.locator('#wall-compose-check-heading').count(), 0, 'the advice goes when the text changes');
    assert.equal(await item(peer.page, '07700 900123').count(), 0, 'nothing was sent');

    // ---- a held message: the peer's, with the watched word ----
    const held = `I made ${WATCHED} with my neighbour at the weekend, first time in months ${STAMP}.`;
    await send(peer.page, held);
    const peerHeld = item(peer.page, held);
    await peerHeld.waitFor(WAIT);
    assert.equal(await peerHeld.locator('article').first().getAttribute('data-state'), 'held');
    assert.match(await peerHeld.innerText(), /Waiting for a moderator/);
    const heldId = await messageId(peerHeld);
    // Staff see it live, with the way to the queue; the member does not.
    const clinicianHeld = item(clinician.page, held);
    await clinicianHeld.waitFor(WAIT);
    assert.equal(await clinicianHeld.locator('.harbour-wall__review').getAttribute('href'), `/moderation?network=${NETWORK}`);
    await assertAccessible(peer.page, 'the Wall with a message waiting for a moderator');
    await screenshot(peer.page, 'wall-peer-held.png');
    await assertAccessible(clinician.page, 'the Wall as staff, with a held message');
    await screenshot(clinician.page, 'wall-clinician-held.png');
    // The clinician's Wall carries events after the held one: the member would have it by now.
    const marker = `Thank you all for being kind to each other today ${STAMP}.`;
    await send(clinician.page, marker);
    await item(member.page, marker).waitFor(WAIT);
    assert.equal(await item(member.page, held).count(), 0, 'a held message does not reach other members');

    // The clinician approves it in the queue (another tab); it reaches the member live.
    const queue = await clinician.page.context().newPage();
    const queueProblems = [];
    queue.on('console', (msg) => msg.type() === 'error' && queueProblems.push(msg.text()));
    await queue.goto(at(`/moderation?network=${NETWORK}`));
    const queued = queue.locator('.harbour-queue-item', { hasText: held });
    await queued.waitFor(WAIT);
    assert.match(await queued.innerText(), /Watched word/);
    await queued.locator('.harbour-approve').click();
    await queue.locator('#decision-banner').waitFor(WAIT);
    await queue.close();
    const approved = item(member.page, held);
    await approved.waitFor(WAIT);
    assert.equal(await approved.locator('article').first().getAttribute('data-state'), 'published');
    // Alone, or batched with the clinician's message just before it.
    await liveAnnouncement(member.page, new RegExp(`New message from ${PEER}|new messages, from .*${PEER}`));
    await peer.page.locator(`#post-${heldId}[data-state="published"]`).waitFor(WAIT);
    await notReloaded(member.page);
    await screenshot(member.page, 'wall-member-approved.png');
    assert.deepEqual(queueProblems, []);

    // ---- the clinician removes the member's first message: it leaves both members' pages ----
    const target = clinician.page.locator(`#post-${helloId}`);
    await target.locator('.harbour-post__staff summary').click();
    await target.locator(`#hide-reason-${helloId}`).fill('Removed while we check something with the author.');
    await target.locator('button[type="submit"]', { hasText: 'Remove message' }).click();
    await clinician.page.locator(`#post-${helloId}`).waitFor({ state: 'detached', ...WAIT });
    await member.page.locator(`#post-${helloId}`).waitFor({ state: 'detached', ...WAIT });
    await peer.page.locator(`#post-${helloId}`).waitFor({ state: 'detached', ...WAIT });
    assert.equal(await peer.page.locator(`#wall-replies-${helloId}`).count(), 0, 'its replies went with it');
    await notReloaded(member.page);
    await notReloaded(peer.page);
    await assertAccessible(member.page, 'the Wall after a removal');
    await screenshot(member.page, 'wall-member-after-removal.png');

    // ---- sending too quickly: 429 rate_limited, told calmly, the text kept ----
    let limited = false;
    for (let i = 0; i < 10 && !limited; i += 1) {
      const text = `Quick thought number ${i} ${STAMP}`;
      await peer.page.fill('#wall-compose-body', text);
      await peer.page.locator('#wall-compose button[type="submit"]', { hasText: 'Send message' }).click();
      await peer.page.waitForFunction(
        () => document.querySelector('#wall-compose-body')?.value === '' || /sending messages quickly/.test(document.querySelector('#wall-compose-notice')?.textContent || ''),
        null,
        WAIT,
      );
      limited = (await peer.page.inputValue('#wall-compose-body')) !== '';
    }
    assert.ok(limited, 'the seventh message in a minute is refused');
    const notice = await peer.page.locator('#wall-compose-notice').innerText();
    assert.match(notice, /You are sending messages quickly\. Please wait (\d+ seconds?|a moment|1 minute)/);
    assert.equal(await peer.page.locator('#wall-compose .nhsuk-error-summary:visible').count(), 0, 'a wait, not an error');
    assert.match(await peer.page.inputValue('#wall-compose-body'), /^Quick thought number/, 'the text is kept');
    await assertAccessible(peer.page, 'the Wall after sending too quickly');
    await screenshot(peer.page, 'wall-rate-limited.png');

    // ---- the session ends (suspension closes the socket with 4001): "Sign in again" ----
    const peerSession = await api(peer.page, 'GET', '/session');
    await apiOk(admin.page, 'POST', `/admin/users/${peerSession.body.user.id}/suspend`, { reason: 'Checking the Wall closes sessions' });
    await peer.page.locator('#wall-connection[data-state="closed"]', { hasText: 'Your session has ended' }).waitFor(WAIT);
    await peer.page.locator('#wall-sign-in', { hasText: 'Sign in again' }).waitFor(WAIT);
    await screenshot(peer.page, 'wall-session-ended.png');
    await apiOk(admin.page, 'POST', `/admin/users/${peerSession.body.user.id}/restore`, { reason: 'Done checking' });

    if (rateLimited.length) console.log(`# sends that met 429 rate_limited and were sent again: ${JSON.stringify(rateLimited)}`);
    const slowDown = failed(429, `/networks/${NETWORK}/wall/messages`);
    await assertNoProblems(member.page, member.problems, { allow: [slowDown] });
    await assertNoProblems(clinician.page, clinician.problems, { allow: [slowDown] });
    await assertNoProblems(peer.page, peer.problems, {
      allow: [failed(429, `/networks/${NETWORK}/wall/messages`), failed(401, '/.*')],
    });
    assert.deepEqual(externalRequests, []);
  });

  test('outside office hours the Wall is read only for members, with the way to urgent help; staff still post', { timeout: 120_000 }, async () => {
    // The member is still on the Wall: the office closing reaches the page live (wall_hours).
    await member.page.locator('#wall-connection[data-state="live"]').waitFor(WAIT);
    await member.page.locator('#wall-compose-body').waitFor(WAIT);
    await apiOk(admin.page, 'PUT', `/networks/${NETWORK}/office-hours`, closedNow());
    const wall = await api(admin.page, 'GET', `/networks/${NETWORK}/wall`);
    assert.equal(wall.status, 200, JSON.stringify(wall.body));
    assert.equal(wall.body.office.open, false);
    await member.page.locator('#wall-office[data-open="false"]').waitFor(WAIT);
    await member.page.locator('#wall-compose-body').waitFor({ state: 'hidden', ...WAIT });
    await liveAnnouncement(member.page, /The Wall is closed for now/);
    await notReloaded(member.page);

    // As anyone arriving now sees it.
    await openWall(member.page, at);
    const office = member.page.locator('#wall-office[data-open="false"]');
    await office.waitFor(WAIT);
    assert.match(await office.innerText(), /The Wall is closed for now/);
    assert.match(await member.page.locator('#wall-office-text').innerText(), /back/i);
    assert.equal(await member.page.locator('#wall-urgent-help').getAttribute('href'), `/urgent-help?network=${NETWORK}`);
    await member.page.locator('#wall-contacts summary').click();
    await member.page.locator('#wall-crisis-contacts [data-contact-id="emergency"]').waitFor(WAIT);
    assert.equal(await member.page.locator('#wall-compose-body').isVisible(), false, 'no compose box for members');
    await member.page.locator('#wall-read-only', { hasText: 'Read only' }).waitFor(WAIT);
    await member.page.locator('#wall-connection .harbour-wall__read-only-tag').waitFor(WAIT);
    assert.equal(await member.page.locator('.harbour-wall__reply-action:visible').count(), 0, 'no Reply buttons');
    // The server agrees: a member's message now is 403 wall_closed.
    const refused = await api(member.page, 'POST', `/networks/${NETWORK}/wall/messages`, { body: 'Is anyone there?' });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body?.error?.code, 'wall_closed');
    await assertAccessible(member.page, 'the Wall out of hours, as a member');
    await screenshot(member.page, 'wall-closed-member.png');

    await openWall(clinician.page, at);
    await clinician.page.locator('#wall-office[data-open="false"]').waitFor(WAIT);
    await clinician.page.locator('#wall-office', { hasText: 'As staff, you can still post' }).waitFor(WAIT);
    await clinician.page.locator('#wall-compose-body').waitFor(WAIT);
    const late = `A note for the morning: the team is back at nine ${STAMP}.`;
    await send(clinician.page, late);
    await item(member.page, late).waitFor(WAIT);
    await assertAccessible(clinician.page, 'the Wall out of hours, as staff');
    await screenshot(clinician.page, 'wall-closed-staff.png');

    await assertNoProblems(member.page, member.problems, { allow: [failed(403, `/networks/${NETWORK}/wall/messages`)] });
    await assertNoProblems(clinician.page, clinician.problems);
  });

  test('after the connection drops, the Wall says so, reconnects from the newest event and misses nothing', { timeout: 120_000 }, async () => {
    // The member's socket goes through a switch the test can open (the real server behind it).
    const line = { down: false, open: [], urls: [] };
    const { page, problems } = await openPage(member.page.context());
    await page.routeWebSocket(/\/ws(\?|$)/, (ws) => {
      line.urls.push(new URL(ws.url()));
      if (line.down) {
        ws.close({ code: 1011, reason: 'test: the line is down' });
        return;
      }
      ws.connectToServer();
      line.open.push(ws);
    });
    // A line that is down carries nothing: the page's catch-up over HTTP (wall/events, asked
    // while the socket will not open) fails too, as it would on a real outage.
    await page.route(/\/api\/v1\/networks\/[^/]+\/wall\/events\b/, (route) =>
      line.down ? route.abort('internetdisconnected') : route.continue(),
    );
    await openWall(page, at);
    const first = line.urls.find((u) => u.searchParams.get('wall') === NETWORK);
    assert.ok(first, `the Wall's socket asks for the Wall: ${line.urls.map(String)}`);
    const from = Number(first.searchParams.get('after'));
    assert.ok(Number.isSafeInteger(from) && from > 0, `after=<last_event_id of GET /wall>: ${first}`);
    assert.equal(line.urls.filter((u) => u.searchParams.get('wall') === NETWORK).length, 1, 'one Wall socket for the tab');

    // The line drops: "Reconnecting", calmly, with "Try now".
    line.down = true;
    for (const ws of line.open.splice(0)) await ws.close({ code: 1011, reason: 'test: dropped' });
    await page.locator('#wall-connection[data-state="reconnecting"]').waitFor(WAIT);
    assert.match(await page.locator('#wall-connection').innerText(), /Reconnecting.*you will not miss any messages/s);
    await assertAccessible(page, 'the Wall while reconnecting');
    await screenshot(page, 'wall-reconnecting.png');

    // Meanwhile the clinician writes (staff post out of hours).
    const missed = `While you were away: the team is back at nine tomorrow ${STAMP}.`;
    await send(clinician.page, missed);
    await item(member.page, missed).waitFor(WAIT); // another tab of the member, still connected
    assert.equal(await item(page, missed).count(), 0);

    // Back: the socket resumes after the newest event the page had, and the message arrives.
    line.down = false;
    await page.locator('#wall-reconnect').click();
    await page.locator('#wall-connection[data-state="live"]').waitFor(WAIT);
    await item(page, missed).waitFor(WAIT);
    const resumed = line.urls.at(-1);
    assert.equal(resumed.searchParams.get('wall'), NETWORK);
    assert.ok(Number(resumed.searchParams.get('after')) >= from, `resumed from the newest event: ${resumed}`);
    await notReloaded(page);
    assert.equal(await page.locator(`#wall-messages > li`, { hasText: missed }).count(), 1, 'once, not twice');
    await assertNoProblems(page, problems, { allow: [/^console error: Failed to load resource: net::ERR_INTERNET_DISCONNECTED \(at [^)]*\/wall\/events\?after=\d+\)$/] });
  });

  // openPage checks every frame a page receives against schema/api/ws-events.schema.json and
  // reports a mismatch as a problem (each test above ends with assertNoProblems): this says the
  // check really saw the Wall's traffic.
  test('the Wall\'s WebSocket frames were all checked against the event schema', () => {
    assert.ok(wsFramesChecked >= 20, `frames checked: ${wsFramesChecked}`);
  });
});

// Browser journey of a risk post, end to end, against the real server started with --demo.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/risk-journey.test.mjs
//
// The demo clinician waits on /cases; the demo member starts a topic with an urgent phrase of the
// built-in risk lexicon and sees the crisis screen at once (never the words that matched); the
// clinician's page shows the live case alert without a reload, and they open, acknowledge, note
// and close the case; the demo admin finds each of those steps in the audit log. A figurative
// post ("this deadline is killing me") is an ordinary post. Every page is checked with axe-core;
// screenshots go to tests/e2e/screenshots/risk-*.png.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
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
const NETWORK = 'default';
const WAIT = { timeout: 15_000 };
const STAMP = Date.now().toString(36);
// An urgent entry of server/data/risk_lexicon.txt ("end my life"), in an ordinary sentence.
const RISK_PHRASE = 'end my life';
const RISK_BODY = `I have been struggling for weeks and tonight I want to ${RISK_PHRASE}. I do not know who else to tell.`;
const FIGURATIVE_BODY = 'Work is fine really, but this deadline is killing me. Any tips for staying calm before a big hand-in?';

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** A JSON API GET from inside the signed-in page (its cookie). */
async function apiGet(page, path) {
  return page.evaluate(async (p) => {
    const r = await fetch(`/api/v1${p}`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    return { status: r.status, body: await r.json() };
  }, path);
}

/** The ids of every case of the network, active and closed (as the clinician sees them). */
async function allCaseIds(page) {
  const ids = [];
  for (const state of ['active', 'closed']) {
    const r = await apiGet(page, `/networks/${NETWORK}/cases?state=${state}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.push(...r.body.cases.map((k) => k.id));
  }
  return ids.sort((x, y) => x - y);
}

/** From the forums of the network, the first category where the member may start a topic. */
async function openPostableCategory(page, at) {
  await page.goto(at(`/forums?network=${NETWORK}`));
  await page.locator('.harbour-category').first().waitFor(WAIT);
  const links = await page.locator('.harbour-category a.nhsuk-card__link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of links) {
    await page.goto(at(href));
    await page.locator('#topics, #start-topic, main p').first().waitFor(WAIT);
    await page.locator('.harbour-page-area .harbour-loading').waitFor({ state: 'detached', ...WAIT });
    if (await page.locator('#start-topic').count()) return href;
  }
  throw new Error('no category where the member may start a topic');
}

/** Start a topic through the page; resolves with the server's answer to the POST. */
async function startTopic(page, at, title, body) {
  const category = await openPostableCategory(page, at);
  await page.click('#start-topic');
  await page.waitForURL(/\/forums\/new-topic\?category=\d+/, WAIT);
  await page.locator('#topic-body').waitFor(WAIT);
  await page.fill('#topic-title', title);
  await page.fill('#topic-body', body);
  const answer = page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/v1\/categories\/\d+\/topics$/.test(new URL(r.url()).pathname), WAIT);
  await page.click('#topic button[type="submit"]');
  const response = await answer;
  return { category, status: response.status(), body: await response.json() };
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/risk-journey.test.mjs');
  });
} else describe('Harbour risk journey', { timeout: 240_000 }, () => {
  let demo = null;
  let password = null;
  let clinicianKey = null;
  let adminKey = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(/Demo Clinician \(clinician\)\s+two-step key:/, 10_000));
    adminKey = keyOf(await demo.waitForStdout(/Demo Administrator \(admin\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('a risk post shows the member the crisis screen, alerts the clinician live, and every step of the case is audited', { timeout: 200_000 }, async () => {
    // 1. The clinician waits on the list of cases; their live connection is open.
    const c = await openPage(await person());
    await signIn(c.page, at, CLINICIAN, password, { key: clinicianKey });
    await c.page.goto(at(`/cases?network=${NETWORK}`));
    await c.page.locator('#cases, #cases-empty').first().waitFor(WAIT);
    assert.match(await h1Text(c.page), /^Safeguarding cases/);
    assert.equal(await c.page.locator('[id^="case-alert-"]').count(), 0, 'no case alert before any risk post');
    const caseIdsBefore = await allCaseIds(c.page);
    // Marks this document: if the page reloaded, the mark would be gone.
    await c.page.evaluate(() => {
      window.__riskJourneyNoReload = true;
    });

    // 2. The member starts a topic with an urgent risk phrase.
    const m = await openPage(await person());
    await signIn(m.page, at, MEMBER, password);
    const title = `Tonight ${STAMP}`;
    const sent = await startTopic(m.page, at, title, RISK_BODY);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.moderation?.crisis?.show, true, `a crisis answer: ${JSON.stringify(sent.body.moderation)}`);
    assert.equal(sent.body.moderation?.outcome, 'held');
    const postId = sent.body.post.id;
    // The answer tells the author nothing about which words matched (only their own post echoes them).
    const { post: _echo, ...rest } = sent.body;
    assert.doesNotMatch(JSON.stringify(rest), new RegExp(RISK_PHRASE, 'i'), 'the answer names the matched words');
    assert.doesNotMatch(JSON.stringify(rest), /"matched"/, 'the answer has a matched field');

    // The crisis screen, at once, with focus on its heading.
    const crisis = m.page.locator('#topic-crisis');
    await crisis.waitFor(WAIT);
    const heading = m.page.locator('#topic-crisis-heading');
    assert.equal((await heading.innerText()).trim(), 'You are not alone');
    await m.page.waitForFunction(() => document.activeElement?.id === 'topic-crisis-heading', null, WAIT);
    const crisisText = await crisis.innerText();
    assert.match(crisisText, /\S/);
    assert.ok(crisisText.split('\n').filter((l) => l.trim()).length > 2, 'a kind message below the heading');
    const contacts = m.page.locator('#topic-crisis-contacts');
    await contacts.locator('a[href^="tel:"]').first().waitFor(WAIT);
    // Wait for the network's own contacts (if any) to replace the national ones, then read them.
    await m.page.waitForLoadState('networkidle', WAIT).catch(() => {});
    const hrefs = await contacts.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(hrefs[0], 'tel:999', `999 first: ${hrefs.join(', ')}`);
    assert.ok(hrefs.includes('tel:116123'), `Samaritans 116 123: ${hrefs.join(', ')}`);
    assert.ok(hrefs.includes('tel:111'), `NHS 111: ${hrefs.join(', ')}`);
    const contactsText = await contacts.innerText();
    assert.match(contactsText, /Samaritans/);
    assert.match(contactsText, /111/);
    await crisis.locator('a[href="/account/posts"]', { hasText: 'your posts' }).waitFor(WAIT);
    // Nothing on the member's screen names the words that matched.
    const memberScreen = await m.page.locator('body').innerText();
    assert.doesNotMatch(memberScreen, new RegExp(RISK_PHRASE, 'i'), 'the member is shown the matched words');
    assert.doesNotMatch(memberScreen, /words that matched|risk (phrase|word)|lexicon/i);
    assert.doesNotMatch(await m.page.title(), new RegExp(RISK_PHRASE, 'i'));
    assert.equal(await m.page.locator('#topic-body').count(), 0, 'the composer gave way to the crisis screen');
    await assertAccessible(m.page, 'the crisis screen');
    await screenshot(m.page, 'risk-crisis-screen.png');
    await assertNoProblems(m.page, m.problems);

    // Their posts: the topic is there, waiting, and still without the matched words named.
    await m.page.goto(at('/account/posts'));
    const mine = m.page.locator(`.harbour-my-post[data-post-id="${postId}"]`);
    await mine.waitFor(WAIT);
    assert.match(await mine.innerText(), /Waiting for a moderator/);
    assert.doesNotMatch(await mine.innerText(), /words that matched|safeguarding|risk/i);
    await assertAccessible(m.page, 'your posts after a risk post');
    await screenshot(m.page, 'risk-my-posts.png');

    // 3. The clinician's page, not reloaded, shows the alert for the new case.
    const alert = c.page.locator('[id^="case-alert-"]');
    await alert.first().waitFor(WAIT);
    assert.equal(await c.page.evaluate(() => window.__riskJourneyNoReload === true), true, 'the page did not reload');
    assert.equal(await alert.count(), 1, 'one alert for one case');
    assert.equal(await alert.getAttribute('role'), 'alert');
    const caseId = Number((await alert.getAttribute('id')).replace('case-alert-', ''));
    assert.ok(Number.isSafeInteger(caseId) && caseId > 0, `a case id in ${await alert.getAttribute('id')}`);
    assert.match(await alert.innerText(), /Urgent/);
    assert.doesNotMatch(await alert.innerText(), new RegExp(RISK_PHRASE, 'i'), 'the alert is no place for the post');
    await assertAccessible(c.page, 'the cases list with a live alert');
    await screenshot(c.page, 'risk-clinician-alert.png');

    await alert.getByRole('link', { name: 'Open the case' }).click();
    await c.page.waitForURL(new RegExp(`/cases/item\\?id=${caseId}$`), WAIT);
    await c.page.locator('#case-summary').waitFor(WAIT);
    assert.match(await h1Text(c.page), new RegExp(`^Case ${caseId}: ${MEMBER}$`));
    assert.match(await c.page.locator('#case-summary').innerText(), /Urgent/);
    assert.match(await c.page.locator('#case-state').innerText(), /Waiting|Open/);
    const post = c.page.locator(`#post-${postId}`);
    await post.waitFor(WAIT);
    assert.match(await post.innerText(), new RegExp(RISK_PHRASE, 'i'), 'the clinician reads the post');
    await assertAccessible(c.page, 'the case opened from the alert');
    await screenshot(c.page, 'risk-case-open.png');

    await c.page.click('#case-acknowledge-submit');
    await c.page.locator('#case-done', { hasText: 'Case acknowledged.' }).waitFor(WAIT);
    assert.match(await c.page.locator('#case-state').innerText(), /Acknowledged/);
    assert.equal(await c.page.locator('#case-owner').innerText(), CLINICIAN);
    await assertAccessible(c.page, 'the acknowledged case');
    await screenshot(c.page, 'risk-case-acknowledged.png');

    await c.page.fill('#case-note-body', 'Called at 8pm, no answer; left a voicemail. Next shift: please call again before 10pm.');
    await c.page.check('#case-note-handover');
    await c.page.click('#case-note-body-submit');
    await c.page.locator('#case-done', { hasText: 'Handover note added.' }).waitFor(WAIT);
    const handover = c.page.locator('#case-events li[data-kind="handover"]');
    await handover.waitFor(WAIT);
    assert.match(await handover.innerText(), /left a voicemail/);
    await assertAccessible(c.page, 'the case with a handover note');
    await screenshot(c.page, 'risk-case-handover.png');

    await c.page.fill('#case-outcome', 'Spoke with them at 9:30pm: safe tonight, safety plan agreed, crisis team informed.');
    await c.page.click('#case-outcome-submit');
    await c.page.locator('#case-done', { hasText: 'Case closed.' }).waitFor(WAIT);
    assert.match(await c.page.locator('#case-state').innerText(), /Closed/);
    assert.match(await c.page.locator('#case-summary').innerText(), /safety plan agreed/);
    await assertAccessible(c.page, 'the closed case');
    await screenshot(c.page, 'risk-case-closed.png');
    await assertNoProblems(c.page, c.problems);

    // 4. The administrator finds each step in the audit log.
    const a = await openPage(await person());
    await signIn(a.page, at, ADMIN, password, { key: adminKey });
    for (const action of ['case.view', 'case.acknowledge', 'case.note', 'case.close']) {
      await a.page.goto(at(`/admin/audit?action=${action}`));
      const rows = a.page.locator(`#audit-table tbody tr[data-action="${action}"]`);
      await rows.first().waitFor(WAIT);
      const text = await rows.first().innerText();
      assert.match(text, new RegExp(CLINICIAN), `${action} by the clinician: ${text}`);
      assert.match(text, new RegExp(`case ${caseId}\\b`), `${action} names case ${caseId}: ${text}`);
      assert.match(text, /success/);
      if (action === 'case.close') {
        await assertAccessible(a.page, 'the audit log filtered to case.close');
        await screenshot(a.page, 'risk-audit-close.png');
      }
    }
    const closed = await apiGet(a.page, '/admin/audit?action=case.close');
    assert.equal(closed.status, 200);
    assert.ok(
      closed.body.rows.some((r) => r.target_type === 'case' && String(r.target_id) === String(caseId) && r.outcome === 'success'),
      `a case.close row for case ${caseId}: ${JSON.stringify(closed.body.rows)}`,
    );
    await assertNoProblems(a.page, a.problems);

    // 5. Figurative language is not a risk: no crisis screen, no case, an ordinary outcome.
    const ordinary = await startTopic(m.page, at, `Deadlines ${STAMP}`, FIGURATIVE_BODY);
    assert.equal(ordinary.status, 201, JSON.stringify(ordinary.body));
    assert.equal(ordinary.body.moderation?.crisis, undefined, `no crisis: ${JSON.stringify(ordinary.body.moderation)}`);
    assert.ok(['held', 'published'].includes(ordinary.body.moderation?.outcome), JSON.stringify(ordinary.body.moderation));
    assert.ok(!(ordinary.body.moderation?.reasons ?? []).includes('risk'), JSON.stringify(ordinary.body.moderation));
    if (ordinary.body.moderation.outcome === 'held') {
      await m.page.locator('#topic-held').waitFor(WAIT);
    } else {
      await m.page.waitForURL(/\/forums\/topic\?id=\d+/, WAIT);
    }
    assert.equal(await m.page.locator('#topic-crisis').count(), 0, 'no crisis screen for a figure of speech');
    assert.doesNotMatch(await m.page.locator('main').innerText(), /You are not alone/);
    await assertAccessible(m.page, 'the outcome of a figurative post');
    await screenshot(m.page, 'risk-figurative.png');
    await assertNoProblems(m.page, m.problems);

    // No case for it: the clinician's list holds nothing new and no second alert came.
    const newCases = (await allCaseIds(c.page)).filter((id) => !caseIdsBefore.includes(id));
    assert.deepEqual(newCases, [caseId], 'the risk post opened one case and the figurative one none');
    await c.page.waitForTimeout(1000);
    // The first alert went when the clinician opened its case; no other case raised one.
    assert.equal(await c.page.locator(`[id^="case-alert-"]:not(#case-alert-${caseId})`).count(), 0, 'no second alert');
    assert.equal(await c.page.locator(`#case-alert-${caseId}`).count(), 0, 'opening the case answered its alert');
    assert.deepEqual(externalRequests, []);
  });
});

// Browser journey through the deeper moderation queue against the real server (--demo):
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/moderation-queue.test.mjs
//
// A volunteer starts a topic (staff publish at once); a member reports it ("Report this post");
// a clinician finds it in the queue (reported, never saying by whom), claims it, writes to the
// author privately and hides it with a template reason; the author sees it hidden with the
// reason and reads the message from "Clinician" (never a name) in their account. A member's
// topic with a distressing content note waits behind "Show this post" in the queue. Every page
// is checked with axe-core; screenshots go to tests/e2e/screenshots/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import path from 'node:path';
import { assertAccessible, assertNoProblems, contextsFor, keyOf, launchBrowser, openPage, screenshot, screenshots, signIn, startServer } from './support.mjs';

const MEMBER = 'Demo Member';
const VOLUNTEER = 'Demo Volunteer';
const CLINICIAN = 'Demo Clinician';
const WAIT = { timeout: 15_000 };
const STAMP = Date.now().toString(36);

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** The first category where this person may start a topic: its id. */
async function postableCategory(page, at) {
  await page.goto(at('/forums'));
  await page.locator('.harbour-category').first().waitFor(WAIT);
  const links = await page.locator('.harbour-category a.nhsuk-card__link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  for (const href of links) {
    await page.goto(at(href));
    await page.locator('.harbour-page-area .harbour-loading').waitFor({ state: 'detached', ...WAIT });
    if (await page.locator('#start-topic').count()) return new URL(at(href)).searchParams.get('id');
  }
  throw new Error('no category where a topic may be started');
}

async function startTopic(page, at, title, body, noteLabel = null) {
  const category = await postableCategory(page, at);
  await page.goto(at(`/forums/new-topic?category=${category}`));
  await page.locator('#topic-title').waitFor(WAIT);
  await page.fill('#topic-title', title);
  await page.fill('#topic-body', body);
  if (noteLabel) {
    await page.locator('.harbour-composer__notes-details summary').click();
    await page.getByLabel(noteLabel, { exact: true }).check();
  }
  await page.click('#topic button[type="submit"]');
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/moderation-queue.test.mjs');
  });
} else describe('Harbour moderation queue: reports, claims, hiding, messages', { timeout: 300_000 }, () => {
  let demo = null;
  let password = null;
  let clinicianKey = null;
  let volunteerKey = null;
  let clinicianSession = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  // One sign-in for the clinician: a two-step code cannot be used twice.
  async function clinicianPage() {
    if (!clinicianSession) {
      clinicianSession = await openPage(await person());
      await signIn(clinicianSession.page, at, CLINICIAN, password, { key: clinicianKey, wait: 'name' });
    }
    return clinicianSession;
  }

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(new RegExp(`${CLINICIAN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    volunteerKey = keyOf(await demo.waitForStdout(new RegExp(`${VOLUNTEER} \\(\\w+\\)\\s+two-step key:`), 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('a member reports a post; a moderator claims it and hides it; the author sees it hidden and reads a message from the team', { timeout: 150_000 }, async () => {
    // The author: a volunteer's topic is published at once.
    const author = await openPage(await person());
    await signIn(author.page, at, VOLUNTEER, password, { key: volunteerKey, wait: 'name' });
    const title = `What helped on the hard mornings ${STAMP}`;
    await startTopic(author.page, at, title, 'Honestly, some of you just need to try harder. It is not that difficult.');
    await author.page.waitForURL(/\/forums\/topic\?id=\d+/, WAIT);
    const topicId = Number(new URL(author.page.url()).searchParams.get('id'));
    assert.ok(topicId > 0);

    // A member reports it: a reason is required, the note is optional.
    const member = await openPage(await person());
    await signIn(member.page, at, MEMBER, password, { wait: 'name' });
    await member.page.goto(at(`/forums/topic?id=${topicId}`));
    const post = member.page.locator(`#post-${topicId}`);
    await post.waitFor(WAIT);
    await post.locator('.harbour-post__report summary').click();
    await post.locator('.harbour-report-form button[type="submit"]').click();
    await post.locator('.harbour-report-form .nhsuk-error-message', { hasText: 'Choose why' }).waitFor(WAIT);
    await assertAccessible(member.page, 'the report form with an error');
    await post.getByLabel('It is unkind or hurtful').check();
    await post.locator('textarea[name="note"]').fill('It made me feel like a failure for struggling.');
    await screenshot(member.page, 'queue-report-form.png');
    await post.locator('.harbour-report-form button[type="submit"]').click();
    await post.locator('.harbour-report-done', { hasText: 'Thank you' }).waitFor(WAIT);
    await assertAccessible(member.page, 'a reported post');

    // The clinician sees it in the queue (reported; nobody named), claims it.
    const clinician = await clinicianPage();
    await clinician.page.goto(at('/moderation'));
    const item = clinician.page.locator('.harbour-queue-item', { hasText: title });
    await item.waitFor(WAIT);
    const text = await item.innerText();
    assert.match(text, /Reported/);
    assert.match(text, /1 person: unkind/);
    assert.doesNotMatch(text, new RegExp(MEMBER), 'the reporter is never named');
    await item.locator('.harbour-claim button[data-action="claim"]').click();
    await item.locator('.harbour-claim__status', { hasText: 'You are working on this' }).waitFor(WAIT);
    await clinician.page.evaluate(() => window.scrollTo(0, 0));
    await assertAccessible(clinician.page, 'the queue with a claimed, reported item');
    await screenshot(clinician.page, 'queue-claimed-report.png');
    await item.screenshot({ path: path.join(screenshots, 'queue-item-reported.png') });

    // A private message to the author.
    await item.locator('.harbour-message-author summary').click();
    await item.locator('.harbour-message-form textarea').fill('Thank you for posting. Could we talk about how that reply might land for people who are struggling?');
    await item.locator('.harbour-message-form button[type="submit"]').click();
    await item.locator('.harbour-message-form [role="status"]', { hasText: 'Sent to' }).waitFor(WAIT);

    // Hide it with a template reason and a note.
    await item.locator('select[name="template"]').selectOption('unkind');
    await item.locator('.harbour-template-text', { hasText: 'unkind or hurtful' }).waitFor(WAIT);
    await item.locator('textarea[name="reason"]').fill('Please share what helped you instead.');
    await assertAccessible(clinician.page, 'the hide form with a template');
    await item.locator('.harbour-reject').click();
    await clinician.page.locator('#decision-banner', { hasText: 'hidden' }).waitFor(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });

    // The author sees it hidden, with the reason.
    await author.page.goto(at(`/forums/topic?id=${topicId}`));
    const hidden = author.page.locator(`#post-${topicId}`);
    await hidden.waitFor(WAIT);
    assert.equal(await hidden.getAttribute('data-state'), 'hidden');
    assert.match(await hidden.innerText(), /Hidden by a moderator/);
    assert.match(await hidden.innerText(), /Please share what helped you instead/);
    await screenshot(author.page, 'queue-author-hidden.png');
    // ... and the message, from a role, never a name.
    await author.page.goto(at('/account'));
    await author.page.locator('#account-messages-link').click();
    await author.page.waitForURL(/\/account\/messages/, WAIT);
    const message = author.page.locator('.harbour-message').first();
    await message.waitFor(WAIT);
    assert.match(await message.innerText(), /Clinician/);
    assert.doesNotMatch(await message.innerText(), new RegExp(CLINICIAN));
    await assertAccessible(author.page, 'messages from the team');
    await screenshot(author.page, 'queue-account-messages.png');

    await assertNoProblems(member.page, member.problems);
    await assertNoProblems(clinician.page, clinician.problems);
    await assertNoProblems(author.page, author.problems);
  });

  test('a distressing post waits behind "Show this post" in the queue', { timeout: 120_000 }, async () => {
    const member = await openPage(await person());
    await signIn(member.page, at, MEMBER, password, { wait: 'name' });
    const title = `A heavy week ${STAMP}`;
    await startTopic(member.page, at, title, 'This week has been heavy. I have been struggling to get up and the old thoughts are back.', 'Mentions suicidal thoughts');
    await member.page.locator('#topic-held').waitFor(WAIT);

    const clinician = await clinicianPage();
    await clinician.page.goto(at('/moderation'));
    const item = clinician.page.locator('.harbour-queue-item', { hasText: title });
    await item.waitFor(WAIT);
    await item.locator('.harbour-sensitive', { hasText: 'This post may be distressing' }).waitFor(WAIT);
    assert.equal(await item.locator('.harbour-queue-item__post').isHidden(), true, 'the post waits until revealed');
    await clinician.page.evaluate(() => window.scrollTo(0, 0));
    await assertAccessible(clinician.page, 'the queue with a distressing item');
    await screenshot(clinician.page, 'queue-sensitive-hidden.png');
    await item.screenshot({ path: path.join(screenshots, 'queue-item-sensitive.png') });
    await item.locator('.harbour-reveal').click();
    await item.locator('.harbour-queue-item__post', { hasText: 'old thoughts are back' }).waitFor(WAIT);

    // Escalating it opens a case for the clinicians; the item stays in the queue, urgent.
    await item.locator('.harbour-escalate summary').click();
    await item.locator('.harbour-escalate-form textarea').fill('The old thoughts are back: please check in.');
    await item.locator('.harbour-escalate-form button[type="submit"]').click();
    await item.locator('.harbour-escalated', { hasText: /safeguarding case is open|already have an open case/ }).waitFor(WAIT);
    await assertAccessible(clinician.page, 'an escalated item');
    await screenshot(clinician.page, 'queue-escalated.png');
    await assertNoProblems(clinician.page, clinician.problems);
  });
});

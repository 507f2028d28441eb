// Browser tests of the community pages (forums, moderation, resources, search, drafts, blog,
// notifications, settings) against the real server started with --demo (demo accounts and the
// demo community content in its networks).
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/content.test.mjs
//
// (a) a member starts a topic that is held, a clinician approves it in the moderation queue, the
//     member sees it published (and is told: notification, header count);
// (b) a carer finds a resource with the "For carers" filter and opens it, and finds it by search;
// (c) a reply draft survives a reload;
// (d) a rejected post shows the moderator's reason and can be edited and sent again;
// and every page is checked with axe-core. Screenshots go to tests/e2e/screenshots/.
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
const CARER = 'Demo Carer';
const CLINICIAN = 'Demo Clinician';
const WAIT = { timeout: 15_000 };
const STAMP = Date.now().toString(36);

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** The first category (in the person's first network) where they may start a topic: its path. */
async function postableCategory(page, at) {
  await page.goto(at('/forums'));
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

/** Waits until the composer says the draft is saved. */
async function draftSaved(page, id) {
  await page.locator(`#${id}-draft-status`, { hasText: /Draft saved at \d{1,2}:\d{2}/ }).waitFor(WAIT);
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/content.test.mjs');
  });
} else describe('Harbour community pages', { timeout: 300_000 }, () => {
  let demo = null;
  let password = null;
  let clinicianKey = null;
  let member = null;
  let clinician = null;
  let carer = null;
  let topicTitle = null;
  let topicId = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    clinicianKey = keyOf(await demo.waitForStdout(/Demo Clinician \(clinician\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    [member, clinician, carer] = await Promise.all([person(), person(), person()]);
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('a member starts a topic; it waits for a moderator, who approves it; the member sees it published', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(member);
    await signIn(page, at, MEMBER, password);
    assert.equal(await page.locator('#nav-moderation').count(), 0, 'no Moderation link for members');

    // The forums: categories as cards.
    await page.goto(at('/forums'));
    await page.locator('.harbour-category').first().waitFor(WAIT);
    assert.equal(await h1Text(page), 'Forums');
    await assertAccessible(page, 'the forums');
    await screenshot(page, 'content-forums.png');

    const category = await postableCategory(page, at);
    await assertAccessible(page, 'a forum category');
    await screenshot(page, 'content-category.png');

    // A published topic of the demo content, read with its replies.
    const demoTopic = page.locator('#topics .harbour-topic a, #pinned-topics .harbour-topic a').first();
    if (await demoTopic.count()) {
      await demoTopic.click();
      await page.waitForURL(/\/forums\/topic\?id=\d+/, WAIT);
      await page.locator('#reply-heading').waitFor(WAIT);
      await assertAccessible(page, 'a topic');
      await screenshot(page, 'content-topic.png');
      // Support reactions are toggle buttons.
      const support = page.locator('.harbour-post:not(:has(.harbour-post__you)) .harbour-reaction[data-reaction="support"]').first();
      const before = Number(await support.locator('.harbour-reaction__count').innerText());
      const pressed = (await support.getAttribute('aria-pressed')) === 'true';
      await support.click();
      await page.waitForFunction(
        ([el, was]) => el.getAttribute('aria-pressed') === String(!was) && !el.disabled,
        [await support.elementHandle(), pressed],
        WAIT,
      );
      assert.equal(Number(await support.locator('.harbour-reaction__count').innerText()), before + (pressed ? -1 : 1));
      // Muting a member folds their posts away; it is undone in the account.
      const mute = page.locator('.harbour-post__mute').first();
      if (await mute.count()) {
        await mute.click();
        await page.locator('#flash', { hasText: 'You muted' }).waitFor(WAIT);
        await page.locator('.harbour-post__muted').first().waitFor(WAIT);
        await assertAccessible(page, 'a topic with a muted member');
        await page.goto(at('/account/mutes'));
        await page.locator('#mutes').waitFor(WAIT);
        await assertAccessible(page, 'muted members');
        await page.locator('#mutes button').first().click();
        await page.locator('#mutes-status', { hasText: 'You unmuted' }).waitFor(WAIT);
      }
      await page.goto(at(category));
      await page.locator('#start-topic').waitFor(WAIT);
    }

    // Start a topic: errors first, then the real thing (the draft is saved as it is typed).
    await page.click('#start-topic');
    await page.waitForURL(/\/forums\/new-topic\?category=\d+/, WAIT);
    await page.locator('#topic-body').waitFor(WAIT);
    await page.click('#topic button[type="submit"]');
    await page.locator('.nhsuk-error-summary:not([hidden])').waitFor(WAIT);
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Enter a title/);
    await assertAccessible(page, 'a new topic with errors');
    topicTitle = `Small routines that help me sleep ${STAMP}`;
    await page.fill('#topic-title', topicTitle);
    await page.fill('#topic-body', 'Since therapy ended I keep a wind-down hour: no screens, a warm drink, and a few lines in a notebook. What helps you?');
    await draftSaved(page, 'topic');
    await assertAccessible(page, 'a new topic with a saved draft');
    await screenshot(page, 'content-new-topic.png');
    await page.click('#topic button[type="submit"]');
    await page.locator('#topic-held').waitFor(WAIT);
    assert.match(await page.locator('#topic-held').innerText(), /moderator/i);
    await assertAccessible(page, 'the held confirmation');
    await screenshot(page, 'content-topic-held.png');

    // Your posts: waiting for a moderator.
    await page.goto(at('/account/posts'));
    const mine = page.locator('.harbour-my-post', { hasText: topicTitle });
    await mine.waitFor(WAIT);
    assert.match(await mine.innerText(), /Waiting for a moderator/);
    topicId = Number(await mine.getAttribute('data-post-id'));
    assert.ok(topicId > 0);
    await assertAccessible(page, 'your posts');
    await screenshot(page, 'content-my-posts.png');
    await page.goto(at(`/forums/topic?id=${topicId}`));
    await page.locator(`#post-${topicId}`).waitFor(WAIT);
    assert.match(await page.locator(`#post-${topicId}`).innerText(), /Waiting for a moderator/);

    assert.equal(await page.locator('#header-unread').isHidden(), true, 'no unread notifications yet');

    // The clinician approves it in the moderation queue.
    const c = await openPage(clinician);
    await signIn(c.page, at, CLINICIAN, password, { key: clinicianKey });
    await c.page.locator('#nav-moderation').click();
    await c.page.waitForURL(/\/moderation/, WAIT);
    const item = c.page.locator('.harbour-queue-item', { hasText: topicTitle });
    await item.waitFor(WAIT);
    assert.match(await item.innerText(), new RegExp(MEMBER));
    await assertAccessible(c.page, 'the moderation queue');
    await screenshot(c.page, 'content-moderation.png');
    // Reject needs a reason.
    await item.locator('.harbour-reject').click();
    await item.locator('.nhsuk-error-message', { hasText: 'Enter a reason' }).waitFor(WAIT);
    await item.locator('textarea[name="note"]').fill('Kind and on topic.');
    await item.locator('.harbour-approve').click();
    await c.page.locator('#decision-banner', { hasText: 'approved' }).waitFor(WAIT);
    await item.waitFor({ state: 'detached', ...WAIT });
    // From the top: scrolled, the sticky quick-exit bar covers header links (axe target-size).
    await c.page.evaluate(() => window.scrollTo(0, 0));
    await assertAccessible(c.page, 'the moderation queue after a decision');
    await screenshot(c.page, 'content-moderation-approved.png');
    await c.page.goto(at('/moderation?state=approved'));
    await c.page.locator('.harbour-queue-item', { hasText: topicTitle }).waitFor(WAIT);
    await assertNoProblems(c.page, c.problems);
    await c.page.close();

    // The member is told at once (over the WebSocket): the header count, and a polite announcement.
    await page.locator('#header-unread:not([hidden])').waitFor(WAIT);
    await page.locator('#live-announcer', { hasText: /New notification: your post .* is published/ }).waitFor(WAIT);

    // Published now.
    await page.goto(at(`/forums/topic?id=${topicId}`));
    await page.locator(`#post-${topicId}`).waitFor(WAIT);
    assert.doesNotMatch(await page.locator(`#post-${topicId}`).innerText(), /Waiting for a moderator/);
    assert.equal(await page.locator(`#post-${topicId}`).getAttribute('data-state'), 'published');
    await page.locator('#reply-body').waitFor(WAIT);
    await page.locator('#header-unread:not([hidden])').waitFor(WAIT);
    assert.match(await page.locator('#nav-notifications').innerText(), /\d+/);
    await page.click('#nav-notifications');
    await page.waitForURL(at('/notifications'), WAIT);
    const note = page.locator('.harbour-notification', { hasText: topicTitle });
    await note.waitFor(WAIT);
    assert.match(await note.innerText(), /published/);
    await assertAccessible(page, 'notifications');
    await screenshot(page, 'content-notifications.png');
    await page.click('#notifications-read-all');
    await page.locator('#notifications-status', { hasText: 'marked as read' }).waitFor(WAIT);
    await page.locator('#header-unread').waitFor({ state: 'hidden', ...WAIT });
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a carer filters the resources for carers, then finds a resource by search and opens it', { timeout: 60_000 }, async () => {
    const { page, problems } = await openPage(carer);
    await signIn(page, at, CARER, password);
    assert.equal(await page.locator('#nav-blog').count(), 0, 'no Blog link for carers');
    await page.click('#nav-resources');
    await page.waitForURL(/\/resources/, WAIT);
    await page.locator('#resource-filters').waitFor(WAIT);
    await page.locator('#resources, #resource-count').first().waitFor(WAIT);
    await assertAccessible(page, 'the resources');
    await screenshot(page, 'content-resources.png');
    await page.check('#filter-carers');
    await page.click('#resource-filters button[type="submit"]');
    await page.waitForURL(/audience=carers/, WAIT);
    await page.locator('#resource-count', { hasText: /match/ }).waitFor(WAIT);
    assert.equal(await page.isChecked('#filter-carers'), true, 'the filter stays chosen');
    const cards = await page.locator('.harbour-resource-card').all();
    assert.ok(cards.length >= 2, `the demo library has resources for carers (found ${cards.length})`);
    for (const card of cards) assert.match(await card.innerText(), /For carers/);
    await assertAccessible(page, 'the resources for carers');
    await screenshot(page, 'content-resources-carers.png');
    // The carers' article opens from the filtered list.
    await page.locator('.harbour-resource-card a', { hasText: 'When someone you love is recovering' }).click();
    await page.waitForURL(/\/resources\/item\?id=\d+/, WAIT);
    await page.locator('.harbour-resource__tags').waitFor(WAIT);
    assert.equal(await h1Text(page), 'When someone you love is recovering from depression');
    await page.goBack();
    await page.locator('#resource-count', { hasText: /match/ }).waitFor(WAIT);

    // Search: a resource about sleep, with the matching words marked.
    await page.click('#nav-search');
    await page.waitForURL(/\/search/, WAIT);
    await page.locator('#search-form').waitFor(WAIT);
    await page.fill('#search-q', 'sleep routine');
    await page.click('#search-form button[type="submit"]');
    await page.waitForURL(/\/search\?q=/, WAIT);
    await page.locator('#search-count').waitFor(WAIT);
    const hit = page.locator('.harbour-search-result', { hasText: 'Resource' }).first();
    await hit.waitFor(WAIT);
    assert.ok((await page.locator('.harbour-snippet mark').count()) > 0, 'matches are marked');
    await assertAccessible(page, 'search results');
    await screenshot(page, 'content-search.png');
    const title = (await hit.locator('h3 a').innerText()).trim();
    await hit.locator('h3 a').click();
    await page.waitForURL(/\/resources\/item\?id=\d+/, WAIT);
    await page.locator('.harbour-resource__tags').waitFor(WAIT);
    assert.equal(await h1Text(page), title);
    await assertAccessible(page, 'a resource');
    await screenshot(page, 'content-resource.png');

    // Leaflets and services link out without passing on who asked.
    await page.goto(at('/resources?kind=service'));
    const service = page.locator('.harbour-resource-card a').first();
    await service.waitFor(WAIT);
    await service.click();
    await page.locator('#resource-link').waitFor(WAIT);
    assert.equal(await page.locator('#resource-link').getAttribute('rel'), 'noopener noreferrer');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a reply draft survives a reload', { timeout: 60_000 }, async () => {
    assert.ok(topicId, 'the first test made a topic');
    const { page, problems } = await openPage(member);
    await page.goto(at(`/forums/topic?id=${topicId}`));
    await page.locator('#reply-body').waitFor(WAIT);
    const text = `Thank you all. I will try the notebook tonight (${STAMP}).`;
    await page.fill('#reply-body', text);
    await draftSaved(page, 'reply');
    await page.reload();
    await page.locator('#reply-body').waitFor(WAIT);
    await page.locator('#reply-draft-status', { hasText: 'We kept your draft' }).waitFor(WAIT);
    assert.equal(await page.inputValue('#reply-body'), text);
    await assertAccessible(page, 'a topic with a restored draft');
    await screenshot(page, 'content-draft-restored.png');
    // Sending it removes the draft.
    await page.click('#reply button[type="submit"]');
    await page.locator('#reply-held, .harbour-post', { hasText: /Thank you|notebook/ }).first().waitFor(WAIT);
    await page.goto(at(`/forums/topic?id=${topicId}`));
    await page.locator('#reply-body').waitFor(WAIT);
    await page.waitForTimeout(500);
    assert.equal(await page.inputValue('#reply-body'), '');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a rejected post shows the reason, and the member edits and sends it again', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(member);
    const category = await postableCategory(page, at);
    await page.goto(at(`/forums/new-topic?category=${new URL(at(category)).searchParams.get('id')}`));
    await page.locator('#topic-title').waitFor(WAIT);
    const title = `My full name and town ${STAMP}`;
    await page.fill('#topic-title', title);
    await page.fill('#topic-body', 'I am writing this from the town where I live, and here is my full name.');
    await page.click('#topic button[type="submit"]');
    await page.locator('#topic-held').waitFor(WAIT);

    const c = await openPage(clinician);
    await c.page.goto(at('/moderation'));
    const item = c.page.locator('.harbour-queue-item', { hasText: title });
    await item.waitFor(WAIT);
    await item.locator('textarea[name="reason"]').fill('Please leave out your name and town, to keep you safe. The rest is welcome.');
    await item.locator('.harbour-reject').click();
    await c.page.locator('#decision-banner', { hasText: 'not published' }).waitFor(WAIT);
    await assertNoProblems(c.page, c.problems);
    await c.page.close();

    await page.goto(at('/account/posts'));
    const mine = page.locator('.harbour-my-post', { hasText: title });
    await mine.waitFor(WAIT);
    assert.match(await mine.innerText(), /Not published/);
    assert.match(await mine.innerText(), /leave out your name/);
    await mine.locator('.harbour-post__resubmit').click();
    await page.waitForURL(/\/posts\/edit\?id=\d+/, WAIT);
    await page.locator('#edit-body').waitFor(WAIT);
    assert.match(await page.locator('main').innerText(), /leave out your name/);
    await assertAccessible(page, 'editing a rejected post');
    await screenshot(page, 'content-edit-rejected.png');
    await page.fill('#edit-title', `Keeping my details private ${STAMP}`);
    await page.fill('#edit-body', 'I am writing this without my name or town. Thank you for the reminder.');
    await page.click('#edit button[type="submit"]');
    await page.locator('#edit-held').waitFor(WAIT);
    await page.goto(at('/account/posts'));
    const again = page.locator('.harbour-my-post', { hasText: `Keeping my details private ${STAMP}` });
    await again.waitFor(WAIT);
    assert.match(await again.innerText(), /Waiting for a moderator/);
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('the blog, settings and staff pages pass axe', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(member);
    const pages = [
      ['/blog', '#blog-write', 'content-blog.png'],
      ['/blog/new', '#blog-body', 'content-blog-new.png'],
      ['/account/reading', '#reading-form', 'content-reading.png'],
      ['/account/mutes', '#mutes, #mutes-empty', 'content-mutes.png'],
      ['/search', '#search-form', null],
    ];
    for (const [path, ready, shot] of pages) {
      await page.goto(at(path));
      await page.locator(ready).first().waitFor(WAIT);
      await assertAccessible(page, path);
      if (shot) await screenshot(page, shot);
    }
    // Reading settings save.
    await page.goto(at('/account/reading'));
    await page.locator('#reading-form').waitFor(WAIT);
    await page.click('#reading-form button[type="submit"]');
    await page.locator('#reading-banner').waitFor(WAIT);
    // A blog post with its comments.
    await page.goto(at('/blog'));
    await page.locator('#blog-posts a').first().waitFor(WAIT);
    {
      await page.locator('#blog-posts a').first().click();
      await page.locator('#comment-heading').waitFor(WAIT);
      await assertAccessible(page, 'a blog post');
      await screenshot(page, 'content-blog-post.png');
    }
    await assertNoProblems(page, problems);
    await page.close();

    const c = await openPage(clinician);
    await c.page.goto(at('/resources/edit?network=default'));
    await c.page.locator('#resource-form').waitFor(WAIT);
    await assertAccessible(c.page, 'adding a resource');
    await screenshot(c.page, 'content-resource-edit.png');
    await c.page.goto(at('/moderation?state=rejected'));
    await c.page.locator('#queue, #queue-empty').first().waitFor(WAIT);
    await assertAccessible(c.page, 'rejected items');
    await assertNoProblems(c.page, c.problems);
    await c.page.close();
  });

  test('no request left 127.0.0.1', () => {
    assert.deepEqual(externalRequests, []);
  });
});

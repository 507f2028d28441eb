// Browser tests of the administration pages for a community's content, against the real server
// started with --demo: /admin/spaces (forum spaces: add one, errors from the form and from the
// server) and /admin/moderation-settings (the moderation policy; watched words added and
// removed). A member then finds the new space in the forums; a carer does not. Every page is
// checked with axe-core; screenshots go to tests/e2e/screenshots/.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/admin-content.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  failedResponse as failed,
  h1Text,
  keyOf,
  launchBrowser,
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
const SPACE = 'Quiet corner';
const WORD = 'testword';

let browser = null;
const externalRequests = [];
/** person(): a fresh browser context, one person with their own cookies; closeAll() closes them all. */
const { person, closeAll } = contextsFor(() => browser, externalRequests);

/** The error summary is shown, names `message`, and its link takes the focus to `fieldId`. */
async function summaryPointsTo(page, message, fieldId) {
  const summary = page.locator('.nhsuk-error-summary:not([hidden])');
  await summary.waitFor(WAIT);
  const link = summary.locator('a', { hasText: message });
  await link.waitFor(WAIT);
  assert.equal(await link.getAttribute('href'), `#${fieldId}`);
  await link.click();
  assert.equal(await page.evaluate(() => document.activeElement?.id), fieldId);
}

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/admin-content.test.mjs');
  });
} else describe('Harbour administration: forum spaces and moderation settings', { timeout: 240_000 }, () => {
  let demo = null;
  let password = null;
  let adminKey = null;
  let admin = null;
  const at = (p) => new URL(p, demo.baseUrl).href;

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
    adminKey = keyOf(await demo.waitForStdout(/Demo Administrator \(admin\)\s+two-step key:/, 10_000));
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    admin = await person();
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('the administrator adds a space open to members only, and sees it listed', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(admin);
    const here = '/admin/spaces?network=default';
    await page.goto(at(here));
    await page.waitForURL(at(`/sign-in?next=${encodeURIComponent(here)}`), WAIT);
    await signIn(page, null, ADMIN, password, { wait: 'none' });
    await page.waitForURL(/\/sign-in\/two-step/, WAIT);
    await page.locator('#code').waitFor(WAIT);
    await page.fill('#code', totp(adminKey));
    await page.click('#two-step-form button[type="submit"]');
    await page.waitForURL(at(here), WAIT);
    await page.locator('#spaces .harbour-admin-space').first().waitFor(WAIT);
    assert.equal(await h1Text(page), 'Forum spaces');
    assert.equal(await page.locator('nav[aria-label="Administration"] a[aria-current="page"]').innerText(), 'Forum spaces');
    assert.equal(await page.locator('#network-choice').inputValue(), 'default');
    const existing = (await page.locator('#spaces .harbour-admin-space h3').first().innerText()).trim();
    const before = await page.locator('#spaces .harbour-admin-space').count();
    await assertAccessible(page, 'the forum spaces');

    // Mistakes are caught before anything is sent: no name, nobody can read.
    for (const box of await page.locator('#new-space-form input[type="checkbox"]').all()) await box.uncheck();
    await page.click('#new-space-form button[type="submit"]');
    await summaryPointsTo(page, 'Enter a name for the space', 'new-space-name');
    assert.match(await page.locator('.nhsuk-error-summary').innerText(), /Choose at least one group who can read this space/);
    await assertAccessible(page, 'the add-a-space form with errors');

    // A name the community already uses: the server says so, next to the name.
    await page.fill('#new-space-name', existing);
    await page.check('#new-space-read');
    await page.click('#new-space-form button[type="submit"]');
    await summaryPointsTo(page, 'There is already a space with that name.', 'new-space-name');
    assert.match(await page.locator('#new-space-name-error').innerText(), /already a space with that name/);

    // The space itself: members read and post; staff always can.
    await page.fill('#new-space-name', SPACE);
    await page.fill('#new-space-description', 'A calm place for members to share small good moments.');
    await page.check('#new-space-read');
    await page.check('#new-space-post');
    await page.click('#new-space-form button[type="submit"]');
    await page.locator('#flash', { hasText: `\u201c${SPACE}\u201d has been added.` }).waitFor(WAIT);
    const card = page.locator('#spaces .harbour-admin-space', { has: page.locator('h3', { hasText: SPACE }) });
    await card.waitFor(WAIT);
    assert.equal(await page.locator('#spaces .harbour-admin-space').count(), before + 1);
    const text = await card.innerText();
    assert.match(text, /Who can read\s+Members \(former patients\)\s/);
    assert.match(text, /Who can post\s+Members \(former patients\)\s/);
    assert.match(text, /Topics\s+0/);
    assert.doesNotMatch(text, /Carers and family/);
    // It is the last in the order.
    assert.equal((await page.locator('#spaces .harbour-admin-space h3').last().innerText()).trim(), SPACE);

    // Its change form opens with what it holds.
    await card.locator('summary').click();
    const id = await card.getAttribute('data-category-id');
    assert.equal(await page.locator(`#space-${id}-name`).inputValue(), SPACE);
    assert.equal(await page.locator(`#space-${id}-read`).isChecked(), true);
    assert.equal(await page.locator(`#space-${id}-read-carer`).isChecked(), false);
    await assertAccessible(page, 'the forum spaces with a space added');
    await screenshot(page, 'admin-spaces.png');
    await assertNoProblems(page, problems, { allow: [failed(401, '/session'), failed(409, '/networks/default/categories')] });
    await page.close();
  });

  test('the administrator holds every post, then adds and removes a watched word', { timeout: 90_000 }, async () => {
    const { page, problems } = await openPage(admin);
    await page.goto(at('/admin/moderation-settings?network=default'));
    await page.locator('#policy-form').waitFor(WAIT);
    assert.equal(await h1Text(page), 'Moderation settings');
    await assertAccessible(page, 'the moderation settings');

    // A number out of range is caught.
    await page.check('#policy-mode-2');
    await page.locator('#policy-first-posts').waitFor({ state: 'visible', ...WAIT });
    await page.fill('#policy-first-posts', '500');
    await page.click('#policy-form button[type="submit"]');
    await summaryPointsTo(page, 'Enter how many posts to hold', 'policy-first-posts');

    // Hold every post.
    await page.check('#policy-mode');
    assert.equal(await page.locator('#policy-first-posts').isVisible(), false, 'the number belongs to "first posts" only');
    await page.click('#policy-form button[type="submit"]');
    await page.locator('#flash', { hasText: 'The moderation setting has been saved.' }).waitFor(WAIT);
    await page.locator('#policy-current', { hasText: 'Hold every post from members for a moderator' }).waitFor(WAIT);
    assert.equal(await page.locator('#policy-mode').isChecked(), true);
    const saved = await page.evaluate(async () => (await fetch('/api/v1/networks/default/moderation/policy')).json());
    assert.equal(saved.policy.mode, 'pre_moderate_all');

    // Watch a word: hold posts that use it.
    await page.fill('#word-phrase', WORD);
    await page.check('#word-action'); // "Hold for a moderator"
    await page.click('#word-form button[type="submit"]');
    await page.locator('#flash', { hasText: `\u201c${WORD}\u201d is now watched.` }).waitFor(WAIT);
    const row = page.locator('#words-table tbody tr', { hasText: WORD });
    await row.waitFor(WAIT);
    assert.match(await row.innerText(), /Hold for a moderator/);

    // The same word again, in capitals: the server refuses, next to the phrase.
    await page.fill('#word-phrase', WORD.toUpperCase());
    await page.click('#word-form button[type="submit"]');
    await summaryPointsTo(page, 'This network already watches for that word or phrase.', 'word-phrase');
    await assertAccessible(page, 'the moderation settings with a watched word and an error');
    await screenshot(page, 'admin-moderation-settings.png');

    // Remove it: a second button confirms; Cancel puts things back.
    await row.locator('[data-word-remove]').click();
    await row.locator('[data-word-confirm]').waitFor(WAIT);
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-word-confirm')), true);
    await assertAccessible(page, 'the remove confirmation');
    await row.getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await page.evaluate(() => document.activeElement?.hasAttribute('data-word-remove')), true);
    await row.locator('[data-word-remove]').click();
    await row.locator('[data-word-confirm]').click();
    await page.locator('#flash', { hasText: `\u201c${WORD}\u201d is no longer watched.` }).waitFor(WAIT);
    assert.equal(await page.locator('#words-table tbody tr', { hasText: WORD }).count(), 0);
    const words = await page.evaluate(async () => (await fetch('/api/v1/networks/default/watched-words')).json());
    assert.equal(words.words.some((w) => w.phrase.toLowerCase() === WORD), false);
    await assertAccessible(page, 'the moderation settings after removing the word');
    await assertNoProblems(page, problems, { allow: [failed(409, '/networks/default/watched-words')] });
    await page.close();
  });

  test('a member finds the new space in the forums; a carer does not', { timeout: 60_000 }, async () => {
    const m = await openPage(await person());
    await signIn(m.page, at, MEMBER, password, { wait: 'name' });
    await m.page.goto(at('/forums?network=default'));
    const card = m.page.locator('.harbour-category', { hasText: SPACE });
    await card.waitFor(WAIT);
    assert.match(await card.innerText(), /A calm place for members/);
    assert.match(await card.innerText(), /For members/);
    await assertAccessible(m.page, 'the forums with the new space');
    await assertNoProblems(m.page, m.problems);

    const c = await openPage(await person());
    await signIn(c.page, at, CARER, password, { wait: 'name' });
    await c.page.goto(at('/forums?network=default'));
    await c.page.locator('.harbour-category').first().waitFor(WAIT);
    assert.equal(await c.page.locator('.harbour-category', { hasText: SPACE }).count(), 0, 'carers cannot read a members-only space');
    await assertNoProblems(c.page, c.problems);
    assert.deepEqual(externalRequests, [], 'nothing left this machine');
  });
});

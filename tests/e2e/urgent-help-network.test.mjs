// Browser tests of "Need urgent help?" across networks (clinical hazard H-04, gap G-04.1): the
// header and footer links carry the person's own network, so a member of another network than
// `default` is shown their own local crisis team, never the default network's.
//
//   HARBOUR_BIN=/path/to/harbour node --test tests/e2e/urgent-help-network.test.mjs
//
// The server runs with --demo: networks `default`, `perinatal` ("Perinatal (demo)", local team
// "Perinatal crisis team (demo)") and `carers`, and the demo accounts (all in `default`).
// A perinatal member joins with an invitation from `harbour invite create --network perinatal`;
// the demo member also redeems a perinatal invitation, so they hold keys to both networks.
// Every page state checked is run through axe-core; console errors and CSP violations fail.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertAccessible,
  assertNoProblems,
  contextsFor,
  h1Text,
  launchBrowser,
  openPage,
  runHarbour,
  screenshot,
  signIn,
  startServer,
} from './support.mjs';

const MEMBER = 'Demo Member';
const NEW_MEMBER = 'Quiet Willow';
const NEW_PASSWORD = 'saddle prism kettle lantern';
const PERINATAL_TEAM = 'Perinatal crisis team (demo)';
const PERINATAL_NAME = 'Perinatal (demo)';
const DEFAULT_TEAM = 'Talking Therapies crisis team (e2e)';
const LINK_RE = /https?:\/\/[^\s"']+\/join#[^\s"']+/;
const WAIT = { timeout: 15_000 };

let demo = null;
let configDir = null;
let browser = null;
let password = null;
let defaultTeam = null; // the default network's local crisis team, as its API names it
let defaultName = null; // the default network's name
const externalRequests = [];
const { person, closeAll } = contextsFor(() => browser, externalRequests);
const at = (p) => new URL(p, demo.baseUrl).href;

/** A one-time invitation link for `network`, from the command line, on the test server's origin. */
async function invitation(network) {
  const printed = await runHarbour(['invite', 'create', '--data-dir', demo.dataDir, '--role', 'member', '--network', network]);
  const link = LINK_RE.exec(printed)?.[0];
  assert.ok(link, `an invitation link in: ${printed}`);
  const u = new URL(link);
  return at(u.pathname + u.hash);
}

/** A call to the API from the page, as the person signed in there (with the session's CSRF token). */
async function apiOk(page, method, path, body) {
  const r = await page.evaluate(
    async ({ method, path, body }) => {
      const headers = { Accept: 'application/json' };
      if (method !== 'GET') {
        const session = await fetch('/api/v1/session', { headers, credentials: 'same-origin' }).then((x) => x.json());
        headers['Content-Type'] = 'application/json';
        if (session.csrf_token) headers['X-CSRF-Token'] = session.csrf_token;
      }
      const x = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await x.text();
      return { status: x.status, body: text ? JSON.parse(text) : null };
    },
    { method, path, body },
  );
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const headerLink = (page) => page.locator('header').getByRole('link', { name: 'Need urgent help?' });
const footerLink = (page) => page.locator('footer').getByRole('link', { name: 'Need urgent help?' });

/** Mark the document, to tell later that a link opened the page in the app (no reload). */
const markDocument = (page) => page.evaluate(() => {
  window.__harbourSameDocument = true;
});
const sameDocument = (page) => page.evaluate(() => window.__harbourSameDocument === true);

/**
 * The contacts the page shows once the network's own list has loaded: `team` among them, 999
 * first, and `notTeam` not there.
 */
async function assertNetworkContacts(page, { network, team, notTeam }) {
  await page.locator(`#crisis-contacts[data-source="network"][data-network="${network}"]:not([aria-busy])`).waitFor(WAIT);
  const list = page.locator('#crisis-contacts');
  const text = (await list.innerText()).replace(/\s+/g, ' ');
  assert.ok(text.includes(team), `the page shows ${team}: ${text}`);
  if (notTeam) assert.ok(!text.includes(notTeam), `the page does not show ${notTeam}: ${text}`);
  for (const national of ['Samaritans', '116 123', 'Shout', '85258']) assert.ok(text.includes(national), `the national contacts stay (${national})`);
  const first = list.locator('.nhsuk-card').first();
  assert.match(await first.getAttribute('class'), /nhsuk-card--care--emergency/, '999 comes first');
  assert.equal(await first.locator('a[href]').first().getAttribute('href'), 'tel:999');
}

// ---------------------------------------------------------------------------------------

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/ci/harbour node --test tests/e2e/urgent-help-network.test.mjs');
  });
} else describe('Harbour urgent help follows the person\'s network', { timeout: 180_000 }, () => {
  before(async () => {
    // The default network's local team comes from the configuration (no number by default): give
    // it one, as a live service has, so that showing it to a perinatal member would be seen.
    configDir = await mkdtemp(path.join(os.tmpdir(), 'harbour-e2e-config-'));
    const config = path.join(configDir, 'harbour.toml');
    await writeFile(config, `[crisis]\nlocal_team_name = "${DEFAULT_TEAM}"\nlocal_team_number = "0300 111 2222"\nlocal_team_available = "24 hours, every day"\n`);
    [demo, browser] = await Promise.all([startServer({ args: ['--demo', '--config', config] }), launchBrowser()]);
    password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    // What the default network's page shows: its local team, which a perinatal member must not be given.
    const probe = await openPage(await person());
    await probe.page.goto(at('/'));
    const contacts = await apiOk(probe.page, 'GET', '/networks/default/crisis-contacts');
    defaultTeam = contacts.crisis_contacts.find((c) => c.id === 'local_crisis_team')?.name;
    defaultName = contacts.network?.name;
    assert.equal(defaultTeam, DEFAULT_TEAM, 'the default network has its local crisis team');
    assert.ok(defaultName, 'the default network has a name');
    assert.notEqual(defaultTeam, PERINATAL_TEAM);
    await probe.page.close();
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  test('a perinatal member follows the header and the footer "Need urgent help?" links to the perinatal crisis team, not the default one', async () => {
    const { page, problems } = await openPage(await person());
    // Joins with a perinatal invitation.
    await page.goto(await invitation('perinatal'));
    await page.locator('#join-form').waitFor(WAIT);
    await page.fill('#pseudonym', NEW_MEMBER);
    await page.fill('#password', NEW_PASSWORD);
    await page.fill('#password-confirm', NEW_PASSWORD);
    await page.check('#accept-guidelines');
    await page.click('#join-form button[type="submit"]');
    await page.locator('#header-pseudonym', { hasText: NEW_MEMBER }).waitFor(WAIT);

    // Opens a perinatal page, then the header link.
    await page.goto(at('/forums?network=perinatal'));
    await page.locator('#header-nav').waitFor(WAIT);
    await page.locator('header a#header-urgent-help[href="/urgent-help?network=perinatal"]').waitFor(WAIT);
    assert.equal(await footerLink(page).getAttribute('href'), '/urgent-help?network=perinatal');
    await markDocument(page);
    await headerLink(page).click();
    await page.waitForURL(at('/urgent-help?network=perinatal'), WAIT);
    assert.equal(await h1Text(page), 'Need urgent help?');
    assert.equal(await sameDocument(page), true, 'the header link opens the page in the app');
    await assertNetworkContacts(page, { network: 'perinatal', team: PERINATAL_TEAM, notTeam: defaultTeam });
    await page.locator('main [role="status"]', { hasText: `Contacts for ${PERINATAL_NAME}.` }).waitFor(WAIT);
    assert.equal(await page.locator('#urgent-help-other-networks').count(), 0, 'one network: no links to others');
    await assertAccessible(page, 'urgent help for a perinatal member');
    await screenshot(page, 'urgent-help-perinatal-member.png');

    // The footer link likewise, from a perinatal page.
    await page.goBack();
    await page.waitForURL(at('/forums?network=perinatal'), WAIT);
    await page.locator('footer a#footer-urgent-help[href="/urgent-help?network=perinatal"]').waitFor(WAIT);
    await footerLink(page).click();
    await page.waitForURL(at('/urgent-help?network=perinatal'), WAIT);
    assert.equal(await sameDocument(page), true, 'the footer link opens the page in the app');
    await assertNetworkContacts(page, { network: 'perinatal', team: PERINATAL_TEAM, notTeam: defaultTeam });

    // Links elsewhere go to plain /urgent-help: that shows the person's own network too, also
    // on a fresh load (before the header has picked one).
    await page.goto(at('/urgent-help'));
    await assertNetworkContacts(page, { network: 'perinatal', team: PERINATAL_TEAM, notTeam: defaultTeam });
    await assertAccessible(page, 'urgent help without ?network= for a perinatal member');

    // Signed out, the links are plain again and the page shows the default network's contacts.
    await page.locator('#header-sign-out').click();
    await page.locator('#header-sign-in').waitFor(WAIT);
    await page.locator('header a#header-urgent-help[href="/urgent-help"]').waitFor(WAIT);
    assert.equal(await footerLink(page).getAttribute('href'), '/urgent-help');
    await headerLink(page).click();
    await page.waitForURL(at('/urgent-help'), WAIT);
    await assertNetworkContacts(page, { network: 'default', team: defaultTeam, notTeam: PERINATAL_TEAM });
    await assertNoProblems(page, problems);
    await page.close();
  });

  test('a person with keys to default and perinatal finds the contacts of their other network from the urgent-help page', async () => {
    const { page, problems } = await openPage(await person());
    await signIn(page, at, MEMBER, password);
    // The demo member (default) takes a perinatal invitation too.
    const token = decodeURIComponent(new URL(await invitation('perinatal')).hash.slice(1));
    const preview = await apiOk(page, 'POST', '/invitations/preview', { token });
    assert.equal(preview.network.slug, 'perinatal');
    await apiOk(page, 'POST', '/invitations/redeem', { token, accepted_guidelines_version: preview.guidelines.version });
    await page.goto(at('/forums?network=default'));
    await page.locator('#header-nav').waitFor(WAIT);
    await page.locator('header a#header-urgent-help[href="/urgent-help?network=default"]').waitFor(WAIT);

    await headerLink(page).click();
    await page.waitForURL(at('/urgent-help?network=default'), WAIT);
    await assertNetworkContacts(page, { network: 'default', team: defaultTeam, notTeam: PERINATAL_TEAM });
    const others = page.locator('#urgent-help-other-networks');
    await others.waitFor(WAIT);
    const links = await others.locator('a').evaluateAll((as) => as.map((a) => ({ text: a.textContent.trim(), href: a.getAttribute('href') })));
    assert.deepEqual(links, [{ text: `Contacts for ${PERINATAL_NAME}`, href: '/urgent-help?network=perinatal' }]);
    await assertAccessible(page, 'urgent help with a link to the other network');
    await screenshot(page, 'urgent-help-two-networks.png');

    await markDocument(page);
    await others.getByRole('link', { name: `Contacts for ${PERINATAL_NAME}` }).click();
    await page.waitForURL(at('/urgent-help?network=perinatal'), WAIT);
    assert.equal(await sameDocument(page), true, 'the link opens the page in the app');
    await assertNetworkContacts(page, { network: 'perinatal', team: PERINATAL_TEAM, notTeam: defaultTeam });
    await page.locator('#urgent-help-other-networks').getByRole('link', { name: `Contacts for ${defaultName}` }).waitFor(WAIT);
    assert.equal(await page.locator('#urgent-help-other-networks a').count(), 1);
    await assertAccessible(page, 'urgent help of the other network');
    await assertNoProblems(page, problems);
    await page.close();
  });

  test(`signed out, the "Need urgent help?" links are plain /urgent-help and show the default network's contacts`, async () => {
    const { page, problems } = await openPage(await person());
    // The links work before any script runs: plain /urgent-help in the served page.
    const html = await (await page.request.get(at('/'))).text();
    assert.match(html, /href="\/urgent-help" id="header-urgent-help"/);
    assert.match(html, /href="\/urgent-help" id="footer-urgent-help"/);
    await page.goto(at('/'));
    await page.locator('#header-sign-in').waitFor(WAIT);
    assert.equal(await headerLink(page).getAttribute('href'), '/urgent-help');
    assert.equal(await footerLink(page).getAttribute('href'), '/urgent-help');
    await markDocument(page);
    await footerLink(page).click();
    await page.waitForURL(at('/urgent-help'), WAIT);
    assert.equal(await sameDocument(page), true, 'the footer link opens the page in the app');
    await assertNetworkContacts(page, { network: 'default', team: defaultTeam, notTeam: PERINATAL_TEAM });
    assert.equal(await page.locator('#urgent-help-other-networks').count(), 0);
    await assertAccessible(page, 'urgent help signed out');
    await assertNoProblems(page, problems);
    await page.close();
  });
});

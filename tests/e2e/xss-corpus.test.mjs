// Browser test (issue 8, hardening): a corpus of script-injection payloads
// (tests/e2e/data/xss-payloads.json) is written into every text field Harbour keeps, and every
// view that shows those fields is opened in Chromium, against the real server started with
// --demo:
//
//   HARBOUR_BIN=/path/to/harbour node --test --test-reporter=spec tests/e2e/xss-corpus.test.mjs
//
// Each payload, if it ever ran, would call its own hook window.__xss_<id>() (some also call
// alert, confirm, prompt or print), or load a same-origin /xss-probe-<id> URL. In every page of
// every person the test replaces alert, confirm, prompt and print and defines every __xss_<id>
// with recorders (an init script, reporting through a Playwright binding, so calls in frames and
// in pages that navigated away count too); it also records dialogs, CSP violations (the
// securitypolicyviolation event and the console), requests whose path names "xss", requests to
// other hosts, and console errors. Every view must end with zero of each, no element or
// attribute that came from a payload (event handlers, javascript:/data: URLs, iframes, objects,
// styles, unknown elements), no "null" or "undefined" shown for a missing value, and the
// payloads present literally as text (in the element they belong to where that is known). The
// server's rendered Markdown (*_html) is also checked tag by tag from the API, since the client
// filters it again and would hide a server that let markup through. A control test first shows
// that each of these checks fires on a payload that does get in.
//
// Writing goes through the JSON API from inside signed-in pages (their cookie, the X-CSRF-Token
// header, as web/src/api.js sends it), long fields taking the whole corpus at once and short ones
// taking it in as many pieces as their limit needs (a payload longer than a field is cut to it).
// Markdown bodies carry the corpus twice: in a fenced code block (shown literally: that is what
// the literal check reads) and as plain Markdown (whose raw HTML the server drops).
// Pseudonyms: every payload is offered to the pseudonym check (the policy refuses them all, which
// is counted), and names written to fit the policy are registered and shown everywhere authors
// are. Screenshots go to tests/e2e/screenshots/xss-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertNoProblems,
  contextsFor,
  failedResponse,
  here,
  keyOf,
  launchBrowser,
  openPage,
  screenshots,
  signIn,
  startServer,
} from './support.mjs';

const MEMBER = 'Demo Member';
const CLINICIAN = 'Demo Clinician';
const ADMIN = 'Demo Administrator';
const NETWORK = 'default';
const NEWCOMER_PASSWORD = 'harbour lantern pebble quiet';
const HOLD_WORD = 'quokka';
const WAIT = { timeout: 20_000 };

const corpus = JSON.parse(readFileSync(path.join(here, 'data', 'xss-payloads.json'), 'utf8'));
const PAYLOADS = corpus.payloads.map((p) => p.text);
const HOOK_MAX = Math.max(...corpus.payloads.map((p) => p.id));

// The Wall lets a member send 6 messages a minute (2 at once) and staff 30 (10 at once); the
// corpus takes about ten messages from each in a few seconds. The limit itself is tested in
// wall.test.mjs; here it would only slow the test down.
process.env.HARBOUR_WALL_MEMBER_MESSAGES_PER_MINUTE ??= '600';
process.env.HARBOUR_WALL_STAFF_MESSAGES_PER_MINUTE ??= '600';

// ---------------------------------------------------------------------------------------
// Text: pieces that fit a field

const chars = (s) => [...s].length;
const bytes = (s) => Buffer.byteLength(s, 'utf8');

/** The longest start of `s` whose measure is at most `limit`. */
function cut(s, limit, measure = chars) {
  let out = '';
  for (const ch of s) {
    if (measure(out + ch) > limit) break;
    out += ch;
  }
  return out;
}

/**
 * The payloads packed greedily into as few pieces as fit `limit` (joined by `sep`); a payload
 * longer than the limit is cut to it. Every payload lands in exactly one piece.
 */
function pack(items, limit, { sep = '\n', measure = chars } = {}) {
  const out = [];
  let current = null;
  for (const raw of items) {
    const item = measure(raw) > limit ? cut(raw, limit, measure) : raw;
    const joined = current === null ? item : current + sep + item;
    if (measure(joined) <= limit) current = joined;
    else {
      out.push(current);
      current = item;
    }
  }
  if (current !== null) out.push(current);
  return out;
}

/** What of each payload a field of `limit` keeps (for the literal checks). */
const kept = (limit, measure = chars) => PAYLOADS.map((p) => (measure(p) > limit ? cut(p, limit, measure) : p));

const FENCE = '~~~~~~';
/**
 * Markdown bodies of at most `limit` characters carrying every payload twice: in fenced code
 * blocks (shown as literal text) and as Markdown of their own (code first, so that an HTML
 * block a payload opens cannot swallow the code).
 */
function markdownBodies(limit) {
  const code = (items) => `${FENCE}\n${items}\n${FENCE}`;
  const whole = `${code(PAYLOADS.join('\n'))}\n\n${PAYLOADS.join('\n\n')}`;
  if (chars(whole) <= limit) return [whole];
  return [...pack(PAYLOADS, limit - 2 * (FENCE.length + 1)).map(code), ...pack(PAYLOADS, limit, { sep: '\n\n' })];
}

// ---------------------------------------------------------------------------------------
// People: each browser context hooks every page it opens

let browser = null;
const externalRequests = [];
const { person, closeAll } = contextsFor(() => browser, externalRequests);
/** What the hooks record: every list must stay empty. */
const recorder = () => ({ hookCalls: [], cspViolations: [], dialogs: [], probeRequests: [] });
const seen = recorder();

/** Runs in every frame before the page's own scripts: every way a payload could run, recorded. */
function installHooks(max) {
  const record = (what) => {
    try {
      window.__xssRecord(`${what} (in ${location.href})`);
    } catch {
      // the binding is not there (it always is in a page of this test)
    }
  };
  for (const name of ['alert', 'confirm', 'prompt', 'print']) {
    window[name] = (...args) => {
      record(`${name}(${args.map(String).join(', ')})`);
      return name === 'confirm' ? false : null;
    };
  }
  for (let n = 1; n <= max; n += 1) window[`__xss_${n}`] = () => record(`__xss_${n}()`);
  document.addEventListener('securitypolicyviolation', (e) => {
    try {
      window.__xssCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile || location.href}:${e.lineNumber}`);
    } catch {
      // as above
    }
  });
}

/** A browser context (one person) whose every page is hooked; what it catches goes to `rec`. */
async function hookedPerson(rec = seen) {
  const context = await person();
  await context.exposeBinding('__xssRecord', (_source, what) => rec.hookCalls.push(what));
  await context.exposeBinding('__xssCsp', (_source, what) => rec.cspViolations.push(what));
  await context.addInitScript(installHooks, HOOK_MAX);
  context.on('request', (r) => {
    if (/xss/i.test(new URL(r.url()).pathname)) rec.probeRequests.push(r.url());
  });
  context.on('page', (p) =>
    p.on('dialog', (d) => {
      rec.dialogs.push(`${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    }),
  );
  return context;
}

// ---------------------------------------------------------------------------------------
// The API, from inside a signed-in page (its cookie, its CSRF token)

let apiCalls = 0;

/** One call: {status, body}. The CSRF token is read once per page and kept in it. */
async function api(page, method, apiPath, body) {
  apiCalls += 1;
  return page.evaluate(
    async ({ method, apiPath, body }) => {
      const headers = { Accept: 'application/json' };
      if (method !== 'GET') {
        if (!window.__e2eCsrf) {
          const s = await fetch('/api/v1/session', { headers, credentials: 'same-origin' }).then((r) => r.json());
          window.__e2eCsrf = s.csrf_token;
        }
        headers['Content-Type'] = 'application/json';
        headers['X-CSRF-Token'] = window.__e2eCsrf;
      }
      const r = await fetch(`/api/v1${apiPath}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await r.text();
      let json = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      if (apiPath === '/accounts' && r.ok) window.__e2eCsrf = json.csrf_token;
      if (apiPath === '/session' && method === 'DELETE') window.__e2eCsrf = null;
      return { status: r.status, body: json };
    },
    { method, apiPath, body },
  );
}

async function apiOk(page, method, apiPath, body, expected = [200, 201, 204]) {
  const r = await api(page, method, apiPath, body);
  assert.ok(expected.includes(r.status), `${method} ${apiPath}: ${r.status} ${JSON.stringify(r.body)}`.slice(0, 600));
  return r.body;
}

// ---------------------------------------------------------------------------------------
// The server's rendered Markdown (*_html), checked on its own: the web client filters it again
// before inserting it (post-view.js serverHtml), which would hide a server that let markup
// through.

const HTML_TAGS = new Set(['p', 'a', 'em', 'strong', 'code', 'pre', 'ul', 'ol', 'li', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'hr']);
const decodeEntities = (v) => v.replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#(x?)([0-9a-f]+);/gi, (_, x, n) => String.fromCodePoint(parseInt(n, x ? 16 : 10)));

/** What in one *_html value is not the plain Markdown markup cmark makes of safe text. */
function unsafeMarkup(html) {
  const problems = [];
  const text = html.replace(/<!-- raw HTML omitted -->/g, '');
  const tags = [...text.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-z-]+="[^"<>]*")*)\s*(\/?)>/g)];
  if (tags.length !== (text.match(/</g) || []).length) problems.push(`a "<" that is not a plain tag in ${JSON.stringify(html.slice(0, 200))}`);
  for (const [whole, , tag, attrs] of tags) {
    if (!HTML_TAGS.has(tag.toLowerCase())) problems.push(`tag ${whole}`);
    for (const [, name, raw] of attrs.matchAll(/([a-z-]+)="([^"]*)"/g)) {
      const value = decodeEntities(raw);
      const ok =
        (tag === 'a' && name === 'href' && /^(https?:|mailto:|\/(?![/\\])|#)/i.test(value)) ||
        (tag === 'a' && name === 'title') ||
        (tag === 'code' && name === 'class' && /^language-[\w-]+$/.test(value)) ||
        (tag === 'ol' && name === 'start' && /^\d+$/.test(value));
      if (!ok) problems.push(`attribute ${name}="${raw}" on ${tag}`);
    }
  }
  return problems;
}

/** Every *_html string anywhere in an API reply. */
function htmlFields(value, out = []) {
  if (Array.isArray(value)) for (const v of value) htmlFields(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.endsWith('_html') && typeof v === 'string') out.push(v);
      else htmlFields(v, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Checks of a view

/**
 * Runs in the page: every element or attribute that could only have come from a payload, or
 * that could run or load something. The app itself builds its DOM with createElement and
 * textContent, and uses no inline handlers (the CSP forbids them), frames or images.
 */
function findInjected() {
  const bad = [];
  const MARK = /__xss|xss-probe/i;
  const SAFE_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:', 'sms:']);
  const NEVER = new Set(['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'isindex', 'marquee', 'math', 'video', 'audio', 'source', 'img', 'image', 'mglyph']);
  const INERT_TEXT_ATTRS = new Set(['value', 'title', 'alt', 'placeholder', 'content']);
  const show = (el) => el.outerHTML.slice(0, 200);
  const urlProblem = (value) => {
    let url;
    try {
      url = new URL(value.trim(), location.href);
    } catch {
      return 'unparsable URL';
    }
    if (!SAFE_SCHEMES.has(url.protocol)) return `scheme ${url.protocol}`;
    if (/xss/i.test(url.pathname)) return 'a payload path';
    return null;
  };
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    const inBody = document.body.contains(el);
    if (NEVER.has(tag) && !(tag === 'iframe' && /^https:\/\/(www\.youtube-nocookie\.com|player\.vimeo\.com)\//.test(el.getAttribute('src') || ''))) bad.push(`<${tag}>: ${show(el)}`);
    if (tag === 'script' && (inBody || !/^\/[\w.-]+\.js$/.test(el.getAttribute('src') || ''))) bad.push(`script: ${show(el)}`);
    if (inBody && ['style', 'link', 'meta', 'title'].includes(tag)) bad.push(`<${tag}> in the body: ${show(el)}`);
    if (el instanceof HTMLUnknownElement) bad.push(`unknown element <${tag}>: ${show(el)}`);
    if (tag === 'noscript' && MARK.test(el.innerHTML)) bad.push(`noscript with a payload: ${show(el)}`);
    if (tag === 'svg' && !el.closest('svg.nhsuk-icon, svg[aria-hidden="true"]')) bad.push(`svg: ${show(el)}`);
    if (tag === 'form' && (el.hasAttribute('action') || el.closest('.harbour-post__body'))) bad.push(`form: ${show(el)}`);
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) bad.push(`handler ${name}: ${show(el)}`);
      // The app sets sizes through the CSSOM (a style attribute, allowed by the CSP); a payload's
      // style would name a URL, an expression or its hook.
      else if (name === 'style' && (MARK.test(value) || /url\s*\(|expression|javascript|@import/i.test(value))) bad.push(`style: ${show(el)}`);
      else if (['srcdoc', 'srcset', 'formaction', 'action', 'background', 'poster', 'dynsrc', 'lowsrc', 'contenteditable', 'autofocus', 'http-equiv'].includes(name)) bad.push(`attribute ${name}: ${show(el)}`);
      else if (['href', 'src', 'xlink:href', 'data', 'codebase', 'cite'].includes(name)) {
        const why = urlProblem(value);
        if (why) bad.push(`${name} with ${why}: ${show(el)}`);
      } else if (!INERT_TEXT_ATTRS.has(name) && !name.startsWith('aria-') && !name.startsWith('data-') && MARK.test(value)) bad.push(`payload in ${name}: ${show(el)}`);
    }
  }
  return bad;
}

/** Runs in the page: the text a person sees, with what the form fields hold. */
function shownText() {
  return `${document.body.textContent}\n${[...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n')}`;
}

/** Runs in the page: the texts that are not shown (as shownText() has it). */
function missingTexts(texts) {
  const shown = `${document.body.textContent}\n${[...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n')}`;
  return texts.filter((t) => !shown.includes(t));
}

/**
 * Runs in the page: text nodes that read "null", "undefined" or "[object Object]", which is what
 * the DOM's own append() makes of a missing value (h() and setChildren() skip them).
 */
function strayValues() {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (/^(null|undefined|\[object Object\])$/.test(n.nodeValue.trim())) out.push(`"${n.nodeValue.trim()}" in ${n.parentElement.outerHTML.slice(0, 160)}`);
  }
  return out;
}

/**
 * Runs in the page: text holding a bidirectional embedding, override or isolate control that is
 * not in its own <bdi> (web/src/dom.js), where it could make the text beside it read backwards
 * (a <textarea> is a box of its own).
 */
function unisolatedBidi() {
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (/[\u202A-\u202E\u2066-\u2069]/.test(n.nodeValue) && !['BDI', 'TEXTAREA'].includes(n.parentElement?.tagName)) {
      out.push(`${JSON.stringify(n.nodeValue.slice(0, 60))} in <${n.parentElement?.tagName.toLowerCase()}>`);
    }
  }
  return out;
}

/** Runs in the page: of [selector, texts] pairs, the selectors whose element is missing or lacks a text ('' for none). */
function missingIn(items) {
  return items
    .filter(([selector, texts]) => {
      const el = document.querySelector(selector);
      return !el || !texts.every((t) => el.textContent.includes(t));
    })
    .map(([selector]) => selector)
    .join(', ');
}

/** Wait until every [selector, texts] pair is shown (the texts inside the element). */
async function waitShownIn(page, items, what) {
  for (const deadline = Date.now() + WAIT.timeout; (await page.evaluate(missingIn, items)) && Date.now() < deadline; ) await page.waitForTimeout(100);
  assert.equal(await page.evaluate(missingIn, items), '', `${what}: not shown literally where they belong`);
  literalChecks += 1;
}

const views = [];
let literalChecks = 0; // checks that texts were shown literally (each over many payloads)

/** Everything recorded so far must be empty. */
function assertNothingRan(where, rec = seen) {
  assert.deepEqual(rec.hookCalls, [], `payload hooks ran (${where})`);
  assert.deepEqual(rec.dialogs, [], `dialogs opened (${where})`);
  assert.deepEqual(rec.cspViolations, [], `CSP violations (${where})`);
  assert.deepEqual(rec.probeRequests, [], `payload URLs were requested (${where})`);
  assert.deepEqual(externalRequests, [], `requests left 127.0.0.1 (${where})`);
}

/** Check the page as it is now: nothing ran, nothing injected, the texts are there literally. */
async function checkView(v, label, expect = []) {
  const { page, problems } = v;
  const wanted = [...new Set(expect.filter(Boolean))];
  if (wanted.length) {
    await page
      .waitForFunction((texts) => {
        const shown = `${document.body.textContent}\n${[...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\n')}`;
        return texts.every((t) => shown.includes(t));
      }, wanted, WAIT)
      .catch(async () => {
        const missing = await page.evaluate(missingTexts, wanted);
        assert.fail(`${label}: ${missing.length} of ${wanted.length} texts not shown literally, first: ${JSON.stringify(missing.slice(0, 3))}`);
      });
    literalChecks += 1;
  }
  // A moment for anything a payload might have started (an image error, a timer).
  await page.waitForTimeout(150);
  const injected = await page.evaluate(findInjected);
  assert.deepEqual(injected, [], `${label}: elements or attributes from payloads`);
  assert.deepEqual(await page.evaluate(strayValues), [], `${label}: missing values shown as text`);
  assert.deepEqual(await page.evaluate(unisolatedBidi), [], `${label}: bidirectional controls outside a <bdi>`);
  await assertNoProblems(page, problems);
  assertNothingRan(label);
  views.push(label);
}

/**
 * A screenshot of the window with the first element holding `text` (or the locator) near its top
 * (the pages are tens of thousands of pixels long: a full-page image is unreadable).
 */
async function screenshotNear(page, name, text) {
  await mkdir(screenshots, { recursive: true });
  const target = typeof text === 'string' ? page.locator('main').getByText(text).first() : text;
  await target.scrollIntoViewIfNeeded();
  await page.evaluate(() => {
    window.scrollBy(0, -140); // clear of the sticky quick-exit bar
    for (const el of document.querySelectorAll('.harbour-table-scroll')) el.scrollLeft = 0;
  });
  await page.screenshot({ path: path.join(screenshots, name) });
}

/** Open `url` in the viewer page and check it. */
async function visit(v, url, label, { expect = [], ready = null, shot = null } = {}) {
  await v.page.goto(v.at(url));
  await v.page.locator('main h1').first().waitFor(WAIT);
  if (ready) await v.page.locator(ready).first().waitFor({ state: 'attached', ...WAIT });
  await v.page.locator('main .harbour-loading').first().waitFor({ state: 'detached', ...WAIT }).catch(() => {});
  await checkView(v, label, expect);
  if (shot) await screenshotNear(v.page, ...shot);
}

/** Open `url` and every older page its pager links to; the texts must be on one of them. */
async function visitPages(v, url, label, { expect = [], ready = null, shot = null } = {}) {
  let shown = '';
  let next = url;
  for (let n = 1; next; n += 1) {
    await visit(v, next, `${label} (page ${n})`, { ready, shot: n === 1 ? shot : null });
    shown += await v.page.evaluate(shownText);
    next = await v.page.locator('main a.nhsuk-pagination__link--next').first().getAttribute('href', { timeout: 500 }).catch(() => null);
    assert.ok(n < 10, `${label}: more than 10 pages`);
  }
  const missing = [...new Set(expect)].filter((t) => t && !shown.includes(t));
  assert.deepEqual(missing, [], `${label}: texts not shown literally on any page`);
  if (expect.length) literalChecks += 1;
}

/** Click a "Show older ..." button until it hides, checking after each page. */
async function showAllOlder(v, button, label) {
  for (let n = 0; n < 20; n += 1) {
    const more = v.page.locator(button);
    if (!(await more.isVisible())) return;
    const rows = await v.page.locator('main tbody tr, main li').count();
    await more.click();
    await v.page.waitForFunction(([sel, before]) => document.querySelectorAll('main tbody tr, main li').length > before || document.querySelector(sel)?.hidden, [button, rows], WAIT);
    await checkView(v, `${label} (older ${n + 1})`);
  }
  assert.fail(`${label}: still more after 20 pages`);
}

// ---------------------------------------------------------------------------------------

if (!process.env.HARBOUR_BIN) {
  test('HARBOUR_BIN names the harbour binary', () => {
    assert.fail('HARBOUR_BIN is not set: run e.g. HARBOUR_BIN=build/release/harbour node --test tests/e2e/xss-corpus.test.mjs');
  });
} else describe('Harbour script-injection corpus', { timeout: 420_000 }, () => {
  let demo = null;
  const at = (p) => new URL(p, demo.baseUrl).href;
  const started = Date.now();
  const fields = new Map(); // field name -> number of values written
  const refused = new Map(); // field name -> number of payloads the field's rules refused
  const wrote = (field, n = 1) => fields.set(field, (fields.get(field) || 0) + n);
  const refusedOne = (field) => refused.set(field, (refused.get(field) || 0) + 1);

  before(async () => {
    [demo, browser] = await Promise.all([startServer({ args: ['--demo'] }), launchBrowser()]);
  });

  after(async () => {
    await closeAll();
    await browser?.close().catch(() => {});
    await demo?.stop();
  });

  test('the corpus file is well formed', () => {
    assert.ok(PAYLOADS.length >= 40 && PAYLOADS.length <= 80, `40 to 80 payloads, not ${PAYLOADS.length}`);
    for (const p of corpus.payloads) {
      assert.ok(p.text.includes(`__xss_${p.id}`) || p.text.includes(`xss-probe-${p.id}`), `payload ${p.id} names its own hook: ${p.text}`);
      assert.equal(p.text, p.text.trim(), `payload ${p.id} has no white space at its ends`);
      assert.ok(!/[\u0000-\u0008\u000a-\u001f\u007f]/.test(p.text), `payload ${p.id} has no control characters`);
    }
    assert.equal(new Set(corpus.payloads.map((p) => p.id)).size, PAYLOADS.length, 'ids are unique');
  });

  test('the checks catch a payload that does get in (a control)', { timeout: 60_000 }, async () => {
    // The server-side markup check: plain cmark output passes; markup from a payload does not.
    assert.deepEqual(unsafeMarkup('<p>plain <a href="https://example.invalid/" title="a&quot; b">link</a> <code>x</code></p>\n<!-- raw HTML omitted -->\n<pre><code class="language-js">&lt;b&gt;\n</code></pre>\n'), []);
    for (const bad of ['<p><img src="x" onerror="y"></p>', '<p><a href="javascript:x()">x</a></p>', '<p><a href="&#106;avascript:x()">x</a></p>', '<p onclick="x()">a</p>', '<script>x()</script>', '<p><a href="//example.invalid/">x</a></p>', '<!-- x --><p>a</p>', '<p>a <b</p>', '<iframe srcdoc="x"></iframe>']) {
      assert.notDeepEqual(unsafeMarkup(bad), [], `unsafeMarkup flags ${bad}`);
    }

    // The browser-side recorders, in a person of their own.
    const rec = recorder();
    const v = { ...(await openPage(await hookedPerson(rec))), at };
    await v.page.goto(at('/privacy'));
    const heading = (await v.page.locator('main h1').innerText()).trim();
    assert.deepEqual(await v.page.evaluate(findInjected), [], 'a page of the app has nothing injected');
    assert.deepEqual(await v.page.evaluate(missingTexts, [heading, 'text that is not on the page']), ['text that is not on the page']);
    // A payload that runs: its hook and alert() are recorded.
    await v.page.evaluate(() => {
      window.__xss_7();
      window.alert('control');
    });
    // Markup that gets into the page: the element, its handler and its link are found, the CSP
    // blocks the handler (recorded), and the image's request is seen.
    await v.page.evaluate(() => document.querySelector('main').insertAdjacentHTML('beforeend', '<p><img src="/xss-probe-4" onerror="__xss_4()"><a href="javascript:__xss_11()">x</a></p>'));
    for (let i = 0; i < 50 && !(rec.cspViolations.length && rec.probeRequests.length && rec.hookCalls.length >= 2); i += 1) await v.page.waitForTimeout(100);
    const injected = await v.page.evaluate(findInjected);
    for (const what of [/^<img>/, /^handler onerror/, /^href with scheme javascript:/]) assert.ok(injected.some((x) => what.test(x)), `${what} in ${JSON.stringify(injected)}`);
    assert.ok(rec.hookCalls.some((c) => c.startsWith('__xss_7()')) && rec.hookCalls.some((c) => c.startsWith('alert(control)')), JSON.stringify(rec.hookCalls));
    assert.ok(rec.cspViolations.some((c) => /script-src/.test(c)), JSON.stringify(rec.cspViolations));
    assert.ok(rec.probeRequests.some((u) => u.endsWith('/xss-probe-4')), JSON.stringify(rec.probeRequests));
    assert.deepEqual(await v.page.evaluate(strayValues), [], 'the app page shows no "null"');
    await v.page.evaluate(() => document.querySelector('main').append(null));
    assert.equal((await v.page.evaluate(strayValues)).length, 1, 'a "null" appended is found');
    await assert.rejects(assertNoProblems(v.page, v.problems), /CSP violation|Refused/);
    assert.throws(() => assertNothingRan('control', rec), /payload hooks ran/);
    console.log(`xss control: caught ${rec.hookCalls.length} hook calls, ${rec.cspViolations.length} CSP violations, ${rec.probeRequests.length} payload requests, ${injected.length} injected elements or attributes`);
    await v.page.close();
  });

  test('every payload in every text field, in every view: nothing runs, nothing is injected, the text reads literally', { timeout: 400_000 }, async () => {
    const password = /password for all: "([^"]+)"/.exec(await demo.waitForStdout(/password for all: "/, 10_000))[1];
    const adminKey = keyOf(await demo.waitForStdout(new RegExp(`${ADMIN} \\(\\w+\\)\\s+two-step key:`), 10_000));
    const clinicianKey = keyOf(await demo.waitForStdout(new RegExp(`${CLINICIAN} \\(\\w+\\)\\s+two-step key:`), 10_000));

    // Each person: a writer page (the API, on a page that shows none of the content) and a
    // viewer page in the same browser context.
    const signedIn = async (name, key) => {
      const context = await hookedPerson();
      const writer = await openPage(context);
      await signIn(writer.page, at, name, password, { key });
      await writer.page.goto(at('/privacy'));
      await writer.page.locator('main h1').waitFor(WAIT);
      const viewer = await openPage(context);
      return { context, writer: writer.page, writerProblems: writer.problems, viewer: { ...viewer, at } };
    };
    const admin = await signedIn(ADMIN, adminKey);
    const clinician = await signedIn(CLINICIAN, clinicianKey);
    const member = await signedIn(MEMBER, null);
    const A = admin.writer;
    const C = clinician.writer;
    const M = member.writer;
    const memberId = (await apiOk(M, 'GET', '/session')).user.id;

    // ---- the administrator: open all week, members publish at once, one word holds ----------
    const closureDays = pack(kept(200), 200).map((reason, i) => {
      wrote('office-hours closure reason');
      const day = new Date(Date.now() + (i + 2) * 86_400_000).toISOString().slice(0, 10);
      return { day, reason };
    });
    await apiOk(A, 'PUT', `/networks/${NETWORK}/office-hours`, {
      week: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '00:00', closes: '24:00' })),
      closures: closureDays,
    });
    await apiOk(A, 'PUT', `/networks/${NETWORK}/moderation/policy`, { mode: 'post_moderate', first_posts: 0 });
    await apiOk(A, 'POST', `/networks/${NETWORK}/watched-words`, { phrase: HOLD_WORD, action: 'hold' }, [201]);

    // Spaces: a name of up to 80 characters, a description of up to 500. The first one is where
    // the member's title topics go.
    const names = pack(PAYLOADS, 80);
    const descriptions = pack(PAYLOADS, 500);
    const categoryIds = [];
    for (let i = 0; i < Math.max(names.length, descriptions.length); i += 1) {
      const r = await apiOk(A, 'POST', `/networks/${NETWORK}/categories`, {
        name: names[i] ?? `Space ${i + 1}`,
        description: descriptions[i] ?? '',
        position: 100 + i,
        read: ['member', 'carer', 'volunteer', 'peer_supporter', 'clinician'],
        post: ['member', 'volunteer', 'peer_supporter', 'clinician'],
      }, [201]);
      categoryIds.push(r.category.id);
      if (names[i]) wrote('space name');
      if (descriptions[i]) wrote('space description');
    }
    const titleCategory = categoryIds[0];

    // ---- the member writes: topics (titles, bodies), replies, Wall messages, a story, a draft --
    const titles = pack(PAYLOADS, 120);
    const topicIds = [];
    const [bigBody] = markdownBodies(20_000);
    for (const [i, title] of titles.entries()) {
      const r = await apiOk(M, 'POST', `/categories/${titleCategory}/topics`, { title, body: i === 0 ? bigBody : `Topic ${i + 1} of the corpus.`, content_notes: [] }, [201]);
      assert.equal(r.post.state, 'published');
      topicIds.push(r.post.id);
      wrote('topic title');
    }
    wrote('topic body');
    const bigTopic = topicIds[0];
    for (const body of markdownBodies(10_000)) {
      await apiOk(M, 'POST', `/topics/${bigTopic}/replies`, { body, content_notes: [] }, [201]);
      wrote('reply');
    }
    const memberWall = [];
    for (const body of markdownBodies(1000)) {
      const r = await apiOk(M, 'POST', `/networks/${NETWORK}/wall/messages`, { body }, [201]);
      memberWall.push(r.post.id);
      wrote('Wall message (member)');
    }
    const story = await apiOk(M, 'POST', `/networks/${NETWORK}/blog`, { title: titles[0], body: markdownBodies(40_000)[0], content_notes: [] }, [201]);
    assert.equal(story.post.state, 'held', 'a member story waits for a moderator');
    wrote('story (member blog post) title and body');
    const draftTitle = cut(PAYLOADS.join(' '), 200);
    const draftBody = PAYLOADS.join('\n');
    await apiOk(M, 'PUT', `/drafts/topic-${titleCategory}`, { network: NETWORK, title: draftTitle, body: draftBody, content_notes: [] });
    wrote('draft title and body');
    // Replies that the hold word keeps for a moderator: each gets one decision below.
    const reasons = pack(kept(500), 500);
    const held = [];
    for (let i = 0; i < 3 * reasons.length + 1; i += 1) {
      const r = await apiOk(M, 'POST', `/topics/${topicIds[1]}/replies`, { body: `${HOLD_WORD} ${i + 1}`, content_notes: [] }, [201]);
      assert.equal(r.post.state, 'held');
      held.push(r.post.id);
    }

    // ---- the clinician: blog posts and comments, resources, invitations with notes -------------
    const blogIds = [];
    for (const [i, title] of titles.entries()) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/blog`, { title, body: i === 0 ? markdownBodies(40_000)[0] : `Blog post ${i + 1} of the corpus.`, content_notes: [] }, [201]);
      blogIds.push(r.post.id);
      wrote('blog title');
    }
    wrote('blog body');
    for (const body of markdownBodies(5000)) {
      await apiOk(M, 'POST', `/blog-posts/${blogIds[0]}/comments`, { body, content_notes: [] }, [201]);
      wrote('blog comment');
    }
    const resourceTitles = pack(PAYLOADS, 200);
    const summaries = pack(PAYLOADS, 500);
    const resourceIds = [];
    for (let i = 0; i < Math.max(resourceTitles.length, summaries.length); i += 1) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/resources`, {
        kind: 'article',
        title: resourceTitles[i] ?? `Resource ${i + 1}`,
        summary: summaries[i] ?? '',
        body: i === 0 ? markdownBodies(60_000)[0] : `Resource ${i + 1} of the corpus.`,
        transcript: i === 0 ? markdownBodies(100_000)[0] : '',
        topics: ['corpus'],
        audiences: ['everyone'],
        content_notes: [],
      }, [201]);
      resourceIds.push(r.resource.id);
    }
    wrote('resource title', resourceTitles.length);
    wrote('resource summary', summaries.length);
    wrote('resource body and transcript');

    const notes = pack(kept(500, bytes), 500, { measure: bytes });
    const tokens = [];
    for (const note of notes) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/invitations`, { role: 'member', note }, [201]);
      tokens.push(new URL(r.link).hash.slice(1));
      wrote('invitation note');
    }

    // ---- pseudonyms: the policy refuses every payload; names that fit it are registered -------
    const newcomer = await openPage(await hookedPerson());
    await newcomer.page.goto(at('/privacy'));
    await newcomer.page.locator('main h1').waitFor(WAIT);
    const N = newcomer.page;
    const accepted = [];
    for (const candidate of [...PAYLOADS, ...corpus.pseudonyms]) {
      const r = await api(N, 'POST', '/pseudonym-check', { pseudonym: candidate });
      if (r.status === 200) accepted.push(r.body.pseudonym);
      else {
        assert.equal(r.status, 400, `pseudonym-check ${JSON.stringify(candidate)}: ${r.status}`);
        assert.match(r.body.error.code, /^pseudonym_/);
        refusedOne('pseudonym');
      }
    }
    assert.ok(accepted.length >= 3, `the policy accepts some of the pseudonym candidates: ${JSON.stringify(accepted)}`);
    while (tokens.length < accepted.length) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/invitations`, { role: 'member' }, [201]);
      tokens.push(new URL(r.link).hash.slice(1));
    }
    const newcomers = [];
    for (const [i, pseudonym] of accepted.entries()) {
      const preview = await apiOk(N, 'POST', '/invitations/preview', { token: tokens[i] });
      const r = await apiOk(N, 'POST', '/accounts', { token: tokens[i], pseudonym, password: NEWCOMER_PASSWORD, accepted_guidelines_version: preview.guidelines.version }, [201]);
      newcomers.push({ id: r.user.id, pseudonym: r.user.pseudonym });
      await apiOk(N, 'POST', `/blog-posts/${blogIds[0]}/comments`, { body: `Hello from ${pseudonym}.`, content_notes: [] }, [201]);
      await apiOk(N, 'POST', `/topics/${bigTopic}/replies`, { body: 'Thank you for sharing this.', content_notes: [] }, [201]);
      await apiOk(N, 'POST', `/networks/${NETWORK}/wall/messages`, { body: `Hello everyone, I am ${pseudonym}.` }, [201]);
      wrote('pseudonym');
      if (i === 0) {
        // Reports: notes of up to 1,000 characters, one report a post.
        for (const [j, note] of pack(kept(1000), 1000).entries()) {
          await apiOk(N, 'POST', `/posts/${topicIds[2 + j]}/report`, { reason: 'other', note }, [201]);
          wrote('report note');
        }
      }
      await apiOk(N, 'DELETE', '/session');
    }
    await assertNoProblems(N, newcomer.problems, { allow: [failedResponse(400, '/pseudonym-check'), /^console error: Failed to load resource: the server responded with a status of 401\b/] });
    const [first, second] = newcomers;

    // ---- moderators decide: reasons, notes, edits, escalations, hides, pins --------------------
    const queue = [];
    for (let before = null, n = 0; n === 0 || before; n += 1) {
      const r = await apiOk(C, 'GET', `/networks/${NETWORK}/moderation/queue?state=open${before ? `&before=${before}` : ''}`);
      queue.push(...r.items);
      before = r.next_before;
      assert.ok(n < 20, 'the queue ends');
    }
    const itemOf = (postId) => {
      const item = queue.find((it) => it.post?.id === postId);
      assert.ok(item, `a queue item for post ${postId}`);
      return item.id;
    };
    const templates = (await apiOk(C, 'GET', '/moderation/reject-templates')).templates;
    for (const [i, reason] of reasons.entries()) {
      await apiOk(C, 'POST', `/moderation/items/${itemOf(held[i])}/escalate`, { reason }, [200, 201]);
      wrote('escalation reason');
      await apiOk(C, 'POST', `/moderation/items/${itemOf(held[i])}/reject`, { reason });
      wrote('rejection reason');
      await apiOk(C, 'POST', `/moderation/items/${itemOf(held[reasons.length + i])}/reject`, { template: templates[0].key, note: reason });
      wrote('rejection note (with a template)');
      await apiOk(C, 'POST', `/moderation/items/${itemOf(held[2 * reasons.length + i])}/approve`, { reason });
      wrote('approval reason');
    }
    await apiOk(C, 'POST', `/moderation/items/${itemOf(held[3 * reasons.length])}/approve`, { body: markdownBodies(10_000)[0], reason: reasons[0] });
    wrote('moderator edit (body)');
    for (const [i, reason] of reasons.entries()) {
      await apiOk(C, 'POST', `/posts/${topicIds[6 + i]}/hide`, { reason });
      wrote('hide reason');
      await apiOk(C, 'POST', `/posts/${topicIds[6 + i]}/unhide`, { reason });
      wrote('unhide reason');
      await apiOk(C, 'PATCH', `/topics/${bigTopic}`, { pinned: i % 2 === 0, reason });
      wrote('topic move/pin reason');
    }

    // ---- staff and the member: messages, notes, silences, suspensions, cases ------------------
    const longText = pack(PAYLOADS, 4000);
    for (const body of longText) {
      await apiOk(C, 'POST', `/members/${memberId}/messages`, { network: NETWORK, body }, [200, 201]);
      wrote('staff message to a member');
      await apiOk(C, 'POST', `/members/${memberId}/notes`, { network: NETWORK, body }, [200, 201]);
      wrote('staff note about a member');
    }
    for (const reason of reasons) {
      await apiOk(C, 'POST', `/members/${first.id}/silence`, { network: NETWORK, hours: 1, reason }, [200, 201]);
      wrote('silence reason');
      await apiOk(C, 'DELETE', `/members/${first.id}/silence?network=${NETWORK}`, { reason });
      wrote('unsilence reason');
      await apiOk(A, 'POST', `/admin/users/${second.id}/suspend`, { reason }, [200, 204]);
      wrote('suspension reason');
      await apiOk(A, 'POST', `/admin/users/${second.id}/restore`, { reason }, [200, 204]);
      wrote('restore reason');
    }
    const caseIds = [];
    for (const note of longText) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/cases`, { member_id: first.id, tier: 'concern', note }, [201]);
      caseIds.push(r.case.id);
      wrote('case opening note');
      await apiOk(C, 'POST', `/cases/${r.case.id}/note`, { body: note, handover: false });
      await apiOk(C, 'POST', `/cases/${r.case.id}/note`, { body: note, handover: true });
      wrote('case note and handover note', 2);
    }
    const outcomes = pack(kept(2000), 2000);
    const theCase = caseIds[0];
    for (let i = 0; i < Math.max(outcomes.length, reasons.length); i += 1) {
      await apiOk(C, 'POST', `/cases/${theCase}/acknowledge`, {});
      if (outcomes[i]) {
        await apiOk(C, 'POST', `/cases/${theCase}/contacted`, { note: outcomes[i] });
        wrote('case contact note');
      }
      await apiOk(C, 'POST', `/cases/${theCase}/close`, { outcome: outcomes[i] ?? outcomes[0] });
      if (outcomes[i]) wrote('case outcome');
      if (reasons[i]) {
        await apiOk(C, 'POST', `/cases/${theCase}/reopen`, { reason: reasons[i] });
        wrote('case reopen reason');
      }
    }

    // ---- last, so that they hold nothing back: watched words and risk terms -------------------
    const watched = [];
    const riskTerms = [];
    for (const phrase of kept(100)) {
      const w = await api(A, 'POST', `/networks/${NETWORK}/watched-words`, { phrase, action: 'flag' });
      if (w.status === 201) {
        watched.push(w.body.word.phrase);
        wrote('watched word');
      } else {
        assert.ok([400, 409].includes(w.status), `watched word ${JSON.stringify(phrase)}: ${w.status} ${JSON.stringify(w.body)}`);
        refusedOne('watched word');
      }
      const t = await api(C, 'POST', `/networks/${NETWORK}/risk-terms`, { phrase, tier: 'concern', exceptions: [] });
      if (t.status === 201) {
        riskTerms.push(t.body.term.phrase, ...(t.body.term.exceptions || []));
        wrote('risk term');
      } else {
        assert.ok([400, 409].includes(t.status), `risk term ${JSON.stringify(phrase)}: ${t.status} ${JSON.stringify(t.body)}`);
        refusedOne('risk term');
      }
    }
    const writerAllow = { allow: [failedResponse(400, '/networks/default/(watched-words|risk-terms)'), failedResponse(409, '/networks/default/(watched-words|risk-terms)')] };
    for (const who of [admin, clinician, member]) await assertNoProblems(who.writer, who.writerProblems, writerAllow);
    assertNothingRan('while writing');

    // The server's *_html of everything rendered from Markdown, before any view.
    const replies = [
      await apiOk(M, 'GET', `/topics/${bigTopic}`),
      await apiOk(M, 'GET', `/topics/${topicIds[1]}`),
      await apiOk(M, 'GET', `/blog-posts/${blogIds[0]}`),
      await apiOk(M, 'GET', `/blog-posts/${story.post.id}`),
      await apiOk(M, 'GET', `/resources/${resourceIds[0]}`),
      await apiOk(M, 'GET', `/networks/${NETWORK}/wall`),
      await apiOk(C, 'GET', `/networks/${NETWORK}/moderation/queue?state=approved`),
      await apiOk(C, 'GET', `/networks/${NETWORK}/moderation/queue?state=open`),
    ];
    const rendered = htmlFields(replies);
    assert.ok(rendered.length >= 20, `rendered Markdown to check (${rendered.length})`);
    assert.ok(rendered.some((h) => h.includes('__xss_1()')), 'the corpus is among the rendered Markdown');
    const unsafe = rendered.flatMap(unsafeMarkup);
    assert.deepEqual(unsafe, [], 'the server rendered markup from a payload');
    const wroteSeconds = ((Date.now() - started) / 1000).toFixed(1);

    // =====================================================================================
    // Member views
    const mv = member.viewer;
    const names80 = kept(80);
    await visit(mv, `/forums?network=${NETWORK}`, 'member: forums (space names and descriptions)', { expect: [...names80, ...kept(500)], shot: ['xss-forums.png', '__xss_1()'] });
    await visitPages(mv, `/forums/category?id=${titleCategory}`, 'member: topic list (titles)', { expect: kept(120), shot: ['xss-topic-list.png', '__xss_1()'] });
    await visit(mv, `/forums/topic?id=${bigTopic}`, 'member: topic (body, replies, newcomers)', { expect: [...PAYLOADS, ...accepted], ready: '#reply-heading', shot: ['xss-topic.png', '__xss_4()'] });
    await visit(mv, `/forums/topic?id=${topicIds[1]}`, 'member: topic with rejected replies (reasons)', { expect: kept(500), ready: '#reply-heading' });
    const rejectedShown = reasons.flatMap((reason, i) => [held[i], held[reasons.length + i]].map((id) => [`#post-${id}`, reason.split('\n')]));
    await waitShownIn(mv.page, rejectedShown, 'rejection reasons and template notes, each on its own reply');
    await visitPages(mv, `/blog?network=${NETWORK}`, 'member: blog list (titles)', { expect: kept(120) });
    await visit(mv, `/blog/post?id=${blogIds[0]}`, 'member: blog post (body, comments, newcomers)', { expect: [...PAYLOADS, ...accepted], shot: ['xss-blog-post.png', '__xss_33()'] });
    await visit(mv, `/blog/post?id=${story.post.id}`, 'member: own held story', { expect: PAYLOADS });
    await visitPages(mv, '/notifications', 'member: notifications (reasons)', { expect: kept(500) });
    await visit(mv, '/account/messages', 'member: messages from staff', { expect: PAYLOADS, shot: ['xss-messages.png', '__xss_1()'] });
    await visitPages(mv, '/account/posts', 'member: own posts');
    await visit(mv, `/resources?network=${NETWORK}`, 'member: resources (titles, summaries)', { expect: [...kept(200), ...kept(500)] });
    await visit(mv, `/resources/item?id=${resourceIds[0]}`, 'member: resource (body, transcript)', { expect: PAYLOADS });
    await visit(mv, `/forums/new-topic?category=${titleCategory}`, 'member: new topic with the saved draft', { ready: '#topic-body' });
    await mv.page.waitForFunction(([t, b]) => document.getElementById('topic-title')?.value === t && document.getElementById('topic-body')?.value === b, [draftTitle, draftBody], WAIT);
    await checkView(mv, 'member: the draft in the composer');
    for (const q of ['script', 'onerror', 'javascript', 'xss_4']) {
      await visit(mv, `/search?q=${encodeURIComponent(q)}&network=${NETWORK}`, `member: search for ${q}`);
    }
    // A few payloads as the search query itself: the query is shown back on the page.
    for (const p of PAYLOADS.filter((x) => bytes(x) <= 200).slice(0, 12)) {
      await visit(mv, `/search?q=${encodeURIComponent(p)}&network=${NETWORK}`, `member: search for payload ${JSON.stringify(p).slice(0, 40)}`);
    }

    // The Wall, live: the member watches while the clinician writes from another browser. Each
    // message and reply must arrive over the socket (no reload) and show its code block's
    // payloads literally, in its own list item.
    const wall = await openPage(member.context);
    const wv = { ...wall, at };
    await wall.page.goto(at(`/wall?network=${NETWORK}`));
    await wall.page.locator('#wall-connection[data-state="live"]').waitFor(WAIT);
    await checkView(wv, 'member: Wall (own messages, newcomers)', [...PAYLOADS, ...accepted]);
    await wall.page.evaluate(() => {
      window.__wallNoReload = true;
    });
    const live = []; // [message id, payloads it shows literally]
    const literalIn = (body) => (body.startsWith(FENCE) ? PAYLOADS.filter((p) => body.includes(p)) : []);
    const staffWall = markdownBodies(1000);
    const staffTop = await apiOk(C, 'POST', `/networks/${NETWORK}/wall/messages`, { body: staffWall[0] }, [201]);
    live.push([staffTop.post.id, literalIn(staffWall[0])]);
    wrote('Wall message (staff)');
    for (const body of staffWall.slice(1)) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/wall/messages`, { body, reply_to: staffTop.post.id }, [201]);
      live.push([r.post.id, literalIn(body)]);
      wrote('Wall reply (staff)');
    }
    for (const body of markdownBodies(1000)) {
      const r = await apiOk(C, 'POST', `/networks/${NETWORK}/wall/messages`, { body, reply_to: memberWall[0] }, [201]);
      live.push([r.post.id, literalIn(body)]);
      wrote('Wall reply (staff, to the member)');
    }
    await waitShownIn(wall.page, live.map(([id, texts]) => [`#wall-messages [data-message-id="${id}"]`, texts]), "the member's Wall, live");
    assert.equal(await wall.page.evaluate(() => window.__wallNoReload === true), true, 'the Wall was not reloaded');
    assert.equal(live.flatMap(([, t]) => t).length >= 2 * PAYLOADS.length, true, 'every payload arrived live in a code block, twice');
    await checkView(wv, 'member: Wall live (staff messages and replies arrived)');
    await screenshotNear(wall.page, 'xss-wall-live.png', wall.page.locator(`#wall-messages [data-message-id="${staffTop.post.id}"]`));

    // =====================================================================================
    // Staff views
    const cv = clinician.viewer;
    await visit(cv, `/moderation?network=${NETWORK}&state=open`, 'clinician: moderation queue, waiting (reports, story)', { expect: [...kept(1000), ...PAYLOADS], shot: ['xss-queue.png', 'Reports'] });
    // The private notes about the member load when opened.
    const notesDetails = cv.page.locator('details.harbour-notes');
    for (let i = 0; i < (await notesDetails.count()); i += 1) await notesDetails.nth(i).locator('summary').click();
    await checkView(cv, 'clinician: moderation queue with the private notes open', PAYLOADS);
    await visitPages(cv, `/moderation?network=${NETWORK}&state=approved`, 'clinician: moderation queue, approved (reasons, edit)', { expect: [...kept(500), ...PAYLOADS] });
    await visitPages(cv, `/moderation?network=${NETWORK}&state=rejected`, 'clinician: moderation queue, not published (reasons)', { expect: kept(500) });
    await visitPages(cv, `/cases?network=${NETWORK}`, 'clinician: cases (newcomer pseudonym)', { expect: [first.pseudonym] });
    await visit(cv, `/cases/item?id=${theCase}`, 'clinician: a case (notes, contact notes, outcomes, reopen reasons)', { expect: [...PAYLOADS, ...kept(500), first.pseudonym], shot: ['xss-case.png', '__xss_1()'] });
    // The cases the escalations opened: each reason on its case.
    const escalated = (await apiOk(C, 'GET', `/networks/${NETWORK}/cases?state=open`)).cases.filter((k) => k.member?.id === memberId);
    assert.equal(escalated.length, reasons.length, 'a case for each escalation');
    let caseText = '';
    for (const k of escalated) {
      await visit(cv, `/cases/item?id=${k.id}`, `clinician: escalated case ${k.id}`);
      caseText += await cv.page.evaluate(shownText);
    }
    assert.deepEqual(kept(500).filter((t) => !caseText.includes(t)), [], 'escalation reasons shown literally on their cases');
    literalChecks += 1;
    await visit(cv, `/staff/invitations?network=${NETWORK}`, 'clinician: invitations (notes)', { ready: '#invitations-more' });
    await showAllOlder(cv, '#invitations-more', 'clinician: invitations');
    await checkView(cv, 'clinician: invitations (notes)', kept(500, bytes));
    await visit(cv, `/wall?network=${NETWORK}`, 'clinician: Wall', { ready: '#wall-connection[data-state="live"]', expect: [...PAYLOADS, ...accepted] });
    await visit(cv, `/moderation/dashboard?network=${NETWORK}`, 'clinician: moderation dashboard');

    // Admin views
    const av = admin.viewer;
    await visit(av, `/admin/users?network=${NETWORK}`, 'admin: users (pseudonyms)', { expect: accepted, shot: ['xss-admin-users.png', accepted[0]] });
    await visit(av, `/admin/users/${second.id}`, 'admin: a user', { expect: [second.pseudonym] });
    await visit(av, '/admin/spaces', 'admin: spaces (names and descriptions)', { expect: [...names80, ...kept(500)] });
    await visit(av, `/admin/moderation-settings?network=${NETWORK}`, 'admin: moderation settings (watched words, risk terms)', { expect: [...watched, ...riskTerms] });
    await visit(av, `/admin/office-hours?network=${NETWORK}`, 'admin: office hours (closure reasons)', { expect: kept(200) });
    await visit(av, '/admin/audit', 'admin: audit log', { ready: '#audit-table' });
    await showAllOlder(av, '#audit-more', 'admin: audit log');
    await checkView(av, 'admin: audit log, every row (reasons, pseudonyms)', [...kept(500), ...accepted]);
    await screenshotNear(av.page, 'xss-audit.png', reasons[0].split('\n')[0]);

    for (const who of [admin, clinician, member]) await assertNoProblems(who.writer, who.writerProblems, writerAllow);
    assertNothingRan('at the end');

    const fieldList = [...fields.entries()].map(([f, n]) => `${f} (${n})`).join(', ');
    const refusedList = [...refused.entries()].map(([f, n]) => `${f}: ${n}`).join(', ');
    console.log(`xss corpus: ${PAYLOADS.length} payloads, ${fields.size} fields written (${[...fields.values()].reduce((a, b) => a + b, 0)} values): ${fieldList}`);
    console.log(`xss corpus: refused by a field's own rules: ${refusedList || 'none'}; pseudonyms accepted: ${JSON.stringify(accepted)}`);
    console.log(`xss corpus: ${rendered.length} *_html values from the server checked tag by tag`);
    console.log(`xss corpus: ${views.length} view checks, ${literalChecks} literal-text checks, ${apiCalls} API calls; written in ${wroteSeconds} s, all in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`xss corpus: hook calls ${seen.hookCalls.length}, dialogs ${seen.dialogs.length}, CSP violations ${seen.cspViolations.length}, payload requests ${seen.probeRequests.length}, requests elsewhere ${externalRequests.length}`);
  });
});

// Shared helpers for the browser tests: start the real harbour server, drive Debian's Chromium
// through playwright-core, check pages with axe-core, and record console errors and CSP
// violations.
//
// Only 127.0.0.1 is contacted: any other request is blocked and recorded, and the quick-exit
// site is answered locally. axe-core is served from node_modules at a same-origin path, so the
// strict CSP (script-src 'self') stays on while it runs. Every WebSocket frame a page receives is
// checked against schema/api/ws-events.schema.json (ajv, JSON Schema 2020-12); a frame that does
// not match is a problem like a console error.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { chromium } from 'playwright-core';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const webRoot = path.join(repo, 'web', 'dist');
export const screenshots = path.join(here, 'screenshots');
const axePath = path.join(here, 'node_modules', 'axe-core', 'axe.min.js');
const CHROMIUM = process.env.HARBOUR_CHROMIUM || '/usr/bin/chromium';
export const EXIT_SITE = 'https://www.bbc.co.uk/weather';
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const LISTEN_TIMEOUT_MS = 20_000;

/**
 * The signed-out check every page makes (GET /api/v1/session answers 401 when nobody is signed
 * in): Chromium logs that as "Failed to load resource", and it is expected.
 */
export const SIGNED_OUT_PROBE = /^console error: Failed to load resource: the server responded with a status of 401\b.*\(at [^)]*\/api\/v1\/session\)$/;

/**
 * The "Failed to load resource" console line of an expected error reply, for allow lists.
 * @param {number} status
 * @param {string} pathPattern a regular expression source for the path under /api/v1
 */
export function failedResponse(status, pathPattern) {
  return new RegExp(`^console error: Failed to load resource: the server responded with a status of ${status}\\b.*\\(at [^)]*/api/v1${pathPattern}\\)$`);
}

// ---------------------------------------------------------------------------------------
// Server

/** The harbour binary from HARBOUR_BIN, checked. */
export function harbourBin() {
  const bin = process.env.HARBOUR_BIN;
  if (!bin) {
    throw new Error('HARBOUR_BIN is not set: point it at the harbour binary, e.g. HARBOUR_BIN=build/release/harbour');
  }
  if (!existsSync(bin)) throw new Error(`HARBOUR_BIN=${bin} does not exist (build the server first)`);
  return bin;
}

/**
 * Start `HARBOUR_BIN serve` on 127.0.0.1 (ephemeral port, fresh data folder, web root web/dist).
 * @param {{args?: string[]}} [options] args: more arguments for `serve` (for example ['--demo'])
 * @returns {Promise<{baseUrl: string, dataDir: string, stdout: string[], log: () => string,
 *   waitForStdout: (re: RegExp, timeoutMs?: number) => Promise<string>, stop: () => Promise<void>}>}
 */
export async function startServer({ args: extraArgs = [] } = {}) {
  const bin = harbourBin();
  if (!existsSync(path.join(webRoot, 'index.html'))) {
    throw new Error(`${webRoot}/index.html is missing: build the web client first (cd web && npm ci && npm run build)`);
  }
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'harbour-e2e-'));
  const args = ['serve', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--web-root', webRoot, ...extraArgs];
  const server = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = [];
  const stdout = [];
  const stdoutWaiters = new Set();
  readline.createInterface({ input: server.stdout }).on('line', (line) => {
    stdout.push(line);
    for (const w of [...stdoutWaiters]) w(line);
  });
  const tail = () => serverLog.slice(-20).join('\n');

  const baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`harbour did not log {"event":"listening"} within ${LISTEN_TIMEOUT_MS / 1000} s. Last log lines:\n${tail()}`));
    }, LISTEN_TIMEOUT_MS);
    const lines = readline.createInterface({ input: server.stderr });
    lines.on('line', (line) => {
      serverLog.push(line);
      if (serverLog.length > 200) serverLog = serverLog.slice(-100);
      let entry;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry?.event === 'listening' && typeof entry.url === 'string') {
        clearTimeout(timer);
        const url = new URL(entry.url);
        if (url.hostname !== '127.0.0.1') {
          reject(new Error(`harbour listens on ${entry.url}; the test only talks to 127.0.0.1`));
          return;
        }
        resolve(url.href);
      }
    });
    server.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${bin}: ${err.message}`));
    });
    server.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`harbour exited early (code ${code}, signal ${signal}). Last log lines:\n${tail()}`));
    });
  });

  return {
    baseUrl,
    dataDir,
    stdout,
    log: tail,
    /** The first stdout line (so far or still to come) that matches. */
    waitForStdout(re, timeoutMs = 5000) {
      const found = stdout.find((l) => re.test(l));
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stdoutWaiters.delete(waiter);
          reject(new Error(`harbour printed no line matching ${re} on stdout within ${timeoutMs} ms. Stdout so far:\n${stdout.join('\n')}`));
        }, timeoutMs);
        const waiter = (line) => {
          if (!re.test(line)) return;
          clearTimeout(timer);
          stdoutWaiters.delete(waiter);
          resolve(line);
        };
        stdoutWaiters.add(waiter);
      });
    },
    async stop() {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Run `HARBOUR_BIN ...args` to completion; resolves with its stdout. */
export function runHarbour(args, { timeoutMs = 20_000 } = {}) {
  const bin = harbourBin();
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`harbour ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

// ---------------------------------------------------------------------------------------
// Browser

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A browser context (its own cookies: one person) that records CSP violations, refuses
 * anything but 127.0.0.1 (adding it to `externalRequests`), and serves axe-core same-origin.
 * @param {import('playwright-core').Browser} browser
 * @param {string[]} externalRequests
 */
export async function newContext(browser, externalRequests, options = {}) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'en-GB', ...options });
  await context.addInitScript(() => {
    window.__harbourCspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__harbourCspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} in ${e.sourceFile || 'document'}:${e.lineNumber}`);
    });
  });
  await context.route('**/*', (route) => {
    const target = new URL(route.request().url());
    if (target.hostname !== '127.0.0.1') {
      externalRequests.push(target.href);
      return route.abort('blockedbyclient');
    }
    if (target.pathname === '/__e2e__/axe.min.js') {
      return route.fulfill({ status: 200, contentType: 'text/javascript', path: axePath });
    }
    return route.continue();
  });
  return context;
}

const wsEventSchema = JSON.parse(readFileSync(path.join(repo, 'schema', 'api', 'ws-events.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
addFormats(ajv);
const validateWsEvent = ajv.compile(wsEventSchema);
// One validator per event type, for errors that name what is wrong with that type only.
const validatorOfType = new Map(
  wsEventSchema.oneOf.map((branch, i) => [
    branch.properties.type.const,
    ajv.compile({ $id: `${wsEventSchema.$id.replace(/\.json$/, "")}-${i}.json`, $defs: wsEventSchema.$defs, ...branch }),
  ]),
);
export let wsFramesChecked = 0;

/** Why a server-to-client WebSocket frame breaks the protocol's schema, or null when it is valid. */
export function wsFrameProblem(payload) {
  wsFramesChecked += 1;
  let event;
  try {
    event = JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (validateWsEvent(event)) return null;
  const own = validatorOfType.get(event?.type);
  if (!own) return `unknown type ${JSON.stringify(event?.type)}`;
  own(event);
  return `${event.type}: ${ajv.errorsText(own.errors)}`;
}

/**
 * A new page that records console errors, uncaught exceptions, CSP violations and WebSocket
 * frames that break the event schema.
 * @param {import('playwright-core').BrowserContext} context
 * @param {{width: number, height: number}} [viewport]
 */
export async function openPage(context, viewport) {
  const page = await context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const where = msg.location()?.url;
    problems.push(`console error: ${msg.text()}${where ? ` (at ${where})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('websocket', (ws) => {
    ws.on('framereceived', ({ payload }) => {
      const why = wsFrameProblem(payload);
      if (why) problems.push(`WebSocket frame breaks schema/api/ws-events.schema.json: ${why}: ${String(payload).slice(0, 300)}`);
    });
  });
  // Quick exit goes to the neutral site: answer it here, so nothing leaves this machine.
  await page.route(`${EXIT_SITE}**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><h1>Weather</h1>' }),
  );
  return { page, problems };
}

/**
 * Fail with the page's console errors, page errors and CSP violations (if any). The signed-out
 * session check is always allowed; `allow` adds more patterns.
 */
export async function assertNoProblems(page, problems, { allow = [] } = {}) {
  let csp = [];
  try {
    csp = await page.evaluate(() => window.__harbourCspViolations ?? []);
  } catch {
    // the page has navigated away (for example after quick exit)
  }
  const allowed = [SIGNED_OUT_PROBE, ...allow];
  const all = [...problems, ...csp.map((v) => `CSP violation: ${v}`)].filter((p) => !allowed.some((re) => re.test(p)));
  assert.deepEqual(all, [], `problems on ${page.url()}:\n  ${all.join('\n  ')}`);
}

function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `      at ${n.target.join(' ')}\n        ${String(n.failureSummary || '').replace(/\n/g, '\n        ')}`)
        .join('\n');
      return `  [${v.impact}] ${v.id}: ${v.help}\n    ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/** Run axe-core (WCAG 2.2 AA) on the page and require zero violations. */
export async function assertAccessible(page, label) {
  // From the top, as a person arrives: a scrolled view puts the sticky quick-exit bar over the
  // header's links, which axe then reports as too small a target.
  await page.evaluate(() => window.scrollTo(0, 0));
  const loaded = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!loaded) await page.addScriptTag({ url: '/__e2e__/axe.min.js' });
  const result = await page.evaluate(
    (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
    AXE_TAGS,
  );
  assert.equal(
    result.violations.length,
    0,
    `axe found ${result.violations.length} accessibility violation(s) on ${label}:\n${formatViolations(result.violations)}`,
  );
}

export async function screenshot(page, name) {
  await mkdir(screenshots, { recursive: true });
  // From the top: a full-page shot of a scrolled page draws the sticky quick-exit bar mid-header.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(screenshots, name), fullPage: true });
}

export async function h1Text(page) {
  return (await page.locator('main h1').first().textContent())?.trim();
}

export async function focusedDescription(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, text: (el.textContent || '').trim() } : null;
  });
}

// ---------------------------------------------------------------------------------------
// TOTP, as an authenticator app computes it

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (spaces, dashes and padding ignored) to bytes. */
export function base32Decode(text) {
  const clean = text.replace(/[\s=-]/g, '').toUpperCase();
  const out = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${ch} in ${text}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code for `key` at `when` (ms), `steps` 30-second steps away. */
export function totp(key, { when = Date.now(), steps = 0 } = {}) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(when / 1000 / 30) + steps));
  const mac = createHmac('sha1', base32Decode(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 1_000_000).padStart(6, '0');
}

/** A 6-digit code the server will not accept now (none of the codes of the steps around now). */
export function wrongCode(key) {
  const near = new Set([-2, -1, 0, 1, 2].map((steps) => totp(key, { steps })));
  for (let n = 314159; ; n = (n + 99991) % 1_000_000) {
    const code = String(n).padStart(6, '0');
    if (!near.has(code)) return code;
  }
}

// ---------------------------------------------------------------------------------------
// People: a browser context each, signing in, demo accounts' two-step keys

const WAIT = { timeout: 15_000 };

/**
 * The people of one test file. `person()` opens a fresh browser context (newContext with
 * `options`: one person with their own cookies); `closeAll()` closes every one of them (for
 * after()).
 * @param {import('playwright-core').Browser | (() => import('playwright-core').Browser)} browser
 *   the browser, or a function that gives it (when it is launched later, in before())
 * @param {string[]} externalRequests
 * @param {object} [options] more browser context options, e.g. { acceptDownloads: true }
 */
export function contextsFor(browser, externalRequests, options = {}) {
  const contexts = [];
  return {
    async person() {
      const context = await newContext(typeof browser === 'function' ? browser() : browser, externalRequests, options);
      contexts.push(context);
      return context;
    },
    async closeAll() {
      for (const context of contexts) await context.close().catch(() => {});
    },
  };
}

/**
 * Sign in through the sign-in form: fill in the pseudonym and password and send them; with `key`,
 * also answer the two-step step with the current code.
 * @param {import('playwright-core').Page} page
 * @param {string | ((path: string) => string) | null} url the sign-in page's URL, a function
 *   from a path to a URL (called with '/sign-in'), or null when the page shows the form already
 *   (for example after a redirect to /sign-in?next=...)
 * @param {{key?: string | null, wait?: 'nav' | 'name' | 'none'}} [options] wait: until the
 *   header names the person and shows the navigation ('nav', the default), until it names the
 *   person ('name'), or not at all ('none': the caller checks what follows, such as an error or
 *   the two-step page)
 */
export async function signIn(page, url, pseudonym, password, { key = null, wait = 'nav' } = {}) {
  if (!['nav', 'name', 'none'].includes(wait)) throw new Error(`signIn: wait is 'nav', 'name' or 'none', not ${wait}`);
  if (url) await page.goto(typeof url === 'function' ? url('/sign-in') : url);
  await page.locator('#sign-in-form').waitFor(WAIT);
  await page.fill('#pseudonym', pseudonym);
  await page.fill('#password', password);
  await page.click('#sign-in-form button[type="submit"]');
  if (key) {
    await page.locator('#code').waitFor(WAIT);
    await page.fill('#code', totp(key));
    await page.click('#two-step-form button[type="submit"]');
    // The header shows the name from the password step on, so waiting for it alone let a test go
    // on while the code's request was still in flight, and its next page.goto could cut it off
    // (the likely cause of a CI run where a volunteer's /forums never showed its categories).
    // Done means the header says so.
    await page.locator('#header-two-step', { hasText: 'Two-step sign-in: on' }).waitFor(WAIT);
  }
  if (wait === 'none') return;
  await page.locator('#header-pseudonym', { hasText: pseudonym }).waitFor(WAIT);
  if (wait === 'nav') await page.locator('#header-nav').waitFor(WAIT);
}

/** The two-step key in a demo account's line of `serve --demo` output ("... two-step key: ABCD EFGH ..."). */
export function keyOf(line) {
  const key = /two-step key:\s*([A-Z2-7 ]+)$/.exec(line.trim())?.[1]?.trim();
  assert.ok(key, `a key in: ${line}`);
  return key;
}

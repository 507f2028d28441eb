// JSON API client for /api/v1. Every call has a time limit, and can be cancelled when the
// person moves to another page.
//
// Unsafe requests (POST, PUT, PATCH, DELETE) always send `Content-Type: application/json` and,
// once signed in, the session's CSRF token in `X-CSRF-Token`. The session itself is an HttpOnly
// cookie that the browser sends on its own (credentials: 'same-origin'); the client never sees it.

const DEFAULT_TIMEOUT_MS = 8000;
// Creating an account or signing in hashes a password on the server: allow a little longer.
const UNSAFE_TIMEOUT_MS = 20000;

let csrfToken = null;

/** Remember (or forget, with null) the CSRF token of the current session. Memory only. */
export function setCsrfToken(token) {
  csrfToken = typeof token === 'string' && token !== '' ? token : null;
}

export class ApiError extends Error {
  /**
   * @param {string} code machine-readable code ("network_not_found", "unreachable", ...)
   * @param {string} message plain English, fit to show to the person
   * @param {number} status HTTP status, or 0 when no reply came
   * @param {number|null} [retryAfter] seconds to wait (from Retry-After), when the server says
   */
  constructor(code, message, status, retryAfter = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date), or null. */
function parseRetryAfter(value) {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const when = Date.parse(trimmed);
  if (Number.isNaN(when)) return null;
  return Math.max(0, Math.ceil((when - Date.now()) / 1000));
}

/**
 * Send a request to /api/v1.
 * @param {string} method GET, POST, DELETE, ...
 * @param {string} path e.g. "/status"
 * @param {{body?: any, signal?: AbortSignal, timeoutMs?: number}} [options]
 * @returns {Promise<any>} the parsed body of a 2xx reply, or null when the reply has no body (204)
 * @throws {ApiError} for error replies, bad JSON, time-outs and network failures
 */
export async function request(method, path, { body, signal, timeoutMs, keepalive = false } = {}) {
  const unsafe = method !== 'GET' && method !== 'HEAD';
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs ?? (unsafe ? UNSAFE_TIMEOUT_MS : DEFAULT_TIMEOUT_MS));
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const headers = { Accept: 'application/json' };
    if (unsafe) {
      headers['Content-Type'] = 'application/json';
      if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
    }
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method,
        headers,
        body: unsafe && body !== undefined ? JSON.stringify(body) : undefined,
        credentials: 'same-origin',
        cache: 'no-cache',
        signal: controller.signal,
        // Lets a last save (a draft as the page closes) outlive the page; the browser caps such
        // bodies at 64 KiB, which is why it is not the default.
        keepalive,
      });
    } catch {
      throw new ApiError('unreachable', 'Harbour could not be reached. Check your internet connection and try again.', 0);
    }
    let text = '';
    try {
      text = await response.text();
    } catch {
      text = '';
    }
    let parsed = null;
    let readable = true;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        readable = false;
      }
    }
    if (!response.ok) {
      const err = parsed && typeof parsed === 'object' ? parsed.error : null;
      throw new ApiError(
        typeof err?.code === 'string' ? err.code : 'http_error',
        typeof err?.message === 'string' && err.message ? err.message : 'Something went wrong. Please try again.',
        response.status,
        parseRetryAfter(response.headers.get('Retry-After')),
      );
    }
    if (text === '' && (response.status === 204 || unsafe)) return null;
    if (!readable || parsed === null || typeof parsed !== 'object') {
      throw new ApiError('bad_reply', 'The server sent a reply that could not be read.', response.status);
    }
    return parsed;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * GET a JSON resource under /api/v1.
 * @param {string} path e.g. "/status"
 * @param {{signal?: AbortSignal, timeoutMs?: number}} [options]
 */
export function getJson(path, options = {}) {
  return request('GET', path, options);
}

/**
 * POST a JSON body to /api/v1.
 * @param {string} path
 * @param {any} body sent as JSON (use {} for "no fields")
 * @param {{signal?: AbortSignal, timeoutMs?: number}} [options]
 */
export function postJson(path, body, options = {}) {
  return request('POST', path, { ...options, body: body ?? {} });
}

/**
 * DELETE a resource under /api/v1.
 * @param {string} path
 * @param {{signal?: AbortSignal, timeoutMs?: number}} [options]
 */
export function deleteJson(path, options = {}) {
  return request('DELETE', path, options);
}

/**
 * The message to show for an error: for "too many attempts" with a known wait, says how long
 * to wait; otherwise the server's own plain-English message.
 */
export function errorMessage(err, fallback = 'Something went wrong. Please try again.') {
  if (err instanceof ApiError && err.code === 'too_many_attempts' && err.retryAfter) {
    return `You have tried too many times. Please wait ${waitInWords(err.retryAfter)}, then try again.`;
  }
  if (err instanceof ApiError && err.code === 'rate_limited') {
    const wait = waitInWords(err.retryAfter);
    return wait ? `You are sending messages quickly. Please wait ${wait}, then send again. Your text is still here.` : 'You are sending messages quickly. Please wait a moment, then send again. Your text is still here.';
  }
  return err?.message || fallback;
}

/** "5 minutes", "1 minute", "30 seconds": how long to wait, in words. */
export function waitInWords(seconds) {
  if (!Number.isFinite(seconds) || seconds <= 0) return '';
  if (seconds < 60) {
    const s = Math.ceil(seconds);
    return `${s} ${s === 1 ? 'second' : 'seconds'}`;
  }
  const m = Math.ceil(seconds / 60);
  return `${m} ${m === 1 ? 'minute' : 'minutes'}`;
}

// JSON API client for /api/v1. Every call has a time limit, and can be cancelled when the
// person moves to another page.

const DEFAULT_TIMEOUT_MS = 8000;

export class ApiError extends Error {
  /**
   * @param {string} code machine-readable code ("network_not_found", "unreachable", ...)
   * @param {string} message
   * @param {number} status HTTP status, or 0 when no reply came
   */
  constructor(code, message, status) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }
}

/**
 * GET a JSON resource under /api/v1.
 * @param {string} path e.g. "/status"
 * @param {{signal?: AbortSignal, timeoutMs?: number}} [options]
 * @returns {Promise<any>} the parsed body of a 2xx reply
 * @throws {ApiError} for error replies, bad JSON, time-outs and network failures
 */
export async function getJson(path, { signal, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onAbort = () => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let response;
    try {
      response = await fetch(`/api/v1${path}`, {
        method: 'GET',
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-cache',
        signal: controller.signal,
      });
    } catch {
      throw new ApiError('unreachable', 'The server could not be reached.', 0);
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      body = null;
    }
    if (!response.ok) {
      const err = body && typeof body === 'object' ? body.error : null;
      throw new ApiError(
        typeof err?.code === 'string' ? err.code : 'http_error',
        typeof err?.message === 'string' ? err.message : `The server replied ${response.status}.`,
        response.status,
      );
    }
    if (body === null || typeof body !== 'object') {
      throw new ApiError('bad_reply', 'The server sent a reply that could not be read.', response.status);
    }
    return body;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

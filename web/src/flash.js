// A one-time message carried to the next page (for example "You have signed out"), in memory
// only. The page that shows it takes it, so it appears once.
import { h } from './dom.js';
import { successBanner } from './forms.js';

/** @type {{heading: string, body?: string|string[], problem: boolean}|null} */
let message = null;
/** The message the last page took (or null), so a page that redirects can pass it on. */
let lastTaken = null;

/** Keep a message for the next page (problem: true for something that went wrong). */
export function setFlash(heading, body, { problem = false } = {}) {
  message = { heading, body, problem };
}

/**
 * A page that sends the person straight on to another address (a redirect) calls this first,
 * so the message it took is shown by the next page instead.
 */
export function carryFlash() {
  if (!message && lastTaken) message = lastTaken;
  lastTaken = null;
}

/** The message as an NHS.UK notification banner (or null), removing it. */
export function takeFlashBanner() {
  const m = message;
  message = null;
  lastTaken = m;
  if (!m) return null;
  if (!m.problem) return successBanner({ heading: m.heading, body: m.body, id: 'flash' });
  const body = m.body === undefined ? [] : Array.isArray(m.body) ? m.body : [m.body];
  return h(
    'div',
    { class: 'nhsuk-notification-banner', role: 'alert', 'aria-labelledby': 'flash-title', id: 'flash' },
    h('div', { class: 'nhsuk-notification-banner__header' }, h('h2', { class: 'nhsuk-notification-banner__title', id: 'flash-title', text: 'Important' })),
    h(
      'div',
      { class: 'nhsuk-notification-banner__content' },
      h('p', { class: 'nhsuk-notification-banner__heading', text: m.heading }),
      body.map((text) => h('p', { text })),
    ),
  );
}

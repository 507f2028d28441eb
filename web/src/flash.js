// A one-time message carried to the next page (for example "You have signed out"), in memory
// only. The page that shows it takes it, so it appears once.
import { h } from './dom.js';
import { successBanner } from './forms.js';

/** @type {{heading: string, body?: string|string[], problem: boolean}|null} */
let message = null;

/** Keep a message for the next page (problem: true for something that went wrong). */
export function setFlash(heading, body, { problem = false } = {}) {
  message = { heading, body, problem };
}

/** The message as an NHS.UK notification banner (or null), removing it. */
export function takeFlashBanner() {
  const m = message;
  message = null;
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

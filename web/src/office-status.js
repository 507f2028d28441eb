// The office-hours status line: "Moderators are here until 17:00" or "We are back at 09:00 on
// Monday", with the way to urgent help when nobody is there. From
// GET /api/v1/networks/<slug>/office-hours; shows nothing when the community has no hours or the
// status cannot be loaded (a wrong "we are here" would be worse than none).
import { getJson } from './api.js';
import { h, insetText, setChildren } from './dom.js';

/**
 * The status line as an NHS.UK inset text, from a status object ({open, next_change, summary}).
 * @returns {HTMLElement|null} null when there is nothing to say
 */
export function officeStatusInset(status) {
  const summary = typeof status?.summary === 'string' ? status.summary : '';
  if (!summary || (!status.open && !status.next_change)) return null;
  if (status.open) return insetText(h('p', { class: 'harbour-office-status', text: `${summary}.` }));
  return insetText(
    h(
      'p',
      { class: 'harbour-office-status' },
      `${summary}. If you need help now, use `,
      h('a', { href: '/urgent-help', text: 'Need urgent help?' }),
    ),
  );
}

/**
 * A container that fills itself with the community's status line once it is known.
 * @param {string} slug the community
 * @param {AbortSignal} signal the page's signal
 */
export function officeStatusLine(slug, signal) {
  const box = h('div', { class: 'harbour-office-status-line', 'aria-live': 'polite' });
  getJson(`/networks/${encodeURIComponent(slug)}/office-hours`, { signal })
    .then((data) => {
      if (!signal.aborted) setChildren(box, officeStatusInset(data?.status));
    })
    .catch(() => {});
  return box;
}

// Small pieces shared by the account pages.
import { h, insetText } from '../dom.js';
import { sessionReady, withNext } from '../session.js';

/** The usual NHS.UK two-thirds column. */
export function column(...children) {
  return h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-two-thirds' }, ...children));
}

/** A status line for "Loading…" (announced politely). */
export function loadingLine(text) {
  return h('p', { class: 'harbour-loading', role: 'status', text });
}

const DATE_TIME = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

/** "3 June 2026 at 2:05pm" (UK time), or '' for something that is not a date. */
export function formatDateTime(value) {
  const when = typeof value === 'string' || typeof value === 'number' ? new Date(value) : null;
  if (!when || Number.isNaN(when.getTime())) return '';
  const parts = Object.fromEntries(DATE_TIME.formatToParts(when).map((p) => [p.type, p.value]));
  const period = (parts.dayPeriod || '').toLowerCase().replace(/\s|\./g, '');
  return `${parts.day} ${parts.month} ${parts.year} at ${parts.hour}:${parts.minute}${period}`;
}

/**
 * Plain text from the server as paragraphs and lists: blank lines separate paragraphs, and a
 * run of lines (or lines starting "- " or "* ") becomes a bulleted list. Text nodes only.
 */
export function textBlocks(text) {
  const source = typeof text === 'string' ? text.replace(/\r\n?/g, '\n').trim() : '';
  if (!source) return [];
  const blocks = [];
  for (const chunk of source.split(/\n\s*\n/)) {
    const lines = chunk
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    if (lines.length === 0) continue;
    if (lines.length === 1 && !/^[-*\u2022]\s+/.test(lines[0])) {
      blocks.push(h('p', { text: lines[0] }));
    } else {
      blocks.push(h('ul', {}, lines.map((l) => h('li', { text: l.replace(/^[-*\u2022]\s+/, '') }))));
    }
  }
  return blocks;
}

/** A same-origin app path from a ?next= value, or '/' when it is not safe to follow. */
export function safeNext(raw) {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return '/';
  try {
    const url = new URL(raw, window.location.origin);
    if (url.origin !== window.location.origin) return '/';
    if (url.pathname === '/sign-in' || url.pathname === '/sign-in/two-step' || url.pathname === '/join' || url.pathname.startsWith('/api/')) return '/';
    return url.pathname + url.search;
  } catch {
    return '/';
  }
}

/**
 * Show a page only to signed-in people. Until the server has answered, `area` shows
 * "Loading"; signed-out people are sent to the sign-in page (and brought back afterwards).
 * @param {import('../router.js').PageContext} ctx
 * @param {HTMLElement} area where the page's content goes (the h1 is already above it)
 * @param {(session: import('../session.js').Session) => void} show
 */
export function whenSignedIn(ctx, area, show) {
  area.replaceChildren(loadingLine('Loading\u2026'));
  sessionReady().then((state) => {
    if (ctx.signal.aborted) return;
    if (state.status === 'signed-in' && state.session) {
      area.replaceChildren();
      show(state.session);
    } else if (state.status === 'signed-out') {
      ctx.navigate(`/sign-in?next=${encodeURIComponent(ctx.url.pathname + ctx.url.search)}`, { replace: true });
    } else {
      area.replaceChildren(
        h('p', { text: 'We could not check whether you are signed in, because Harbour could not be reached.' }),
        h('p', {}, h('a', { href: ctx.url.pathname + ctx.url.search, 'data-router': 'off', text: 'Try again' })),
      );
    }
  });
}

/**
 * What a staff member must do before staff tools open, for pages that refused them with
 * second_factor_required: where they stand, the one button that moves them on, and a promise to
 * come back to `here` (path and query) afterwards.
 */
export function secondFactorSteps(sf, here) {
  return [
    insetText(
      h('p', {
        id: 'second-factor-state',
        text: sf.enrolled
          ? 'You have set up two-step sign-in, but have not entered a code since you signed in.'
          : 'You have not set up two-step sign-in yet.',
      }),
    ),
    sf.enrolled
      ? h('a', { class: 'nhsuk-button', id: 'second-factor-action', draggable: 'false', href: withNext('/sign-in/two-step', here), text: 'Enter a code from your app' })
      : h('a', { class: 'nhsuk-button', id: 'second-factor-action', draggable: 'false', href: withNext('/account/two-step', here), text: 'Set up two-step sign-in' }),
    h('p', { text: 'Afterwards, you will come back to this page.' }),
  ];
}

// Pieces shared by the administration pages (/admin/users, /admin/users/<id>, /admin/audit,
// /admin/spaces, /admin/moderation-settings):
// who may use them, the second step staff must have done, and problems loading.
import { ApiError } from '../api.js';
import { busy } from '../forms.js';
import { h, setChildren } from '../dom.js';
import { needsSecondStep, refreshSession } from '../session.js';
import { loadingLine, secondFactorSteps, whenSignedIn } from './common.js';

/** The links between the administration pages. */
export function adminNav(current) {
  const items = [
    { href: '/admin/users', text: 'People' },
    { href: '/admin/audit', text: 'Audit log' },
    { href: '/admin/spaces', text: 'Forum spaces' },
    { href: '/admin/moderation-settings', text: 'Moderation settings' },
    { href: '/admin/office-hours', text: 'Office hours and rota' },
  ];
  return h(
    'nav',
    { class: 'harbour-admin-nav', 'aria-label': 'Administration' },
    h(
      'ul',
      { class: 'nhsuk-list harbour-admin-nav__list' },
      items.map((i) => h('li', {}, h('a', { href: i.href, text: i.text, 'aria-current': i.href === current ? 'page' : null }))),
    ),
  );
}

/**
 * Show an administration page only to administrators who have done the second step.
 * @param {{area: HTMLElement, heading: HTMLElement, ctx: any}} page
 * @param {(session: any) => void} show
 */
export function whenAdmin(page, show) {
  whenSignedIn(page.ctx, page.area, (session) => {
    if (!session.user.is_admin) {
      showNotAdmin(page);
      return;
    }
    if (needsSecondStep(session)) {
      explainSecondFactor(page, session);
      return;
    }
    show(session);
  });
}

export function showNotAdmin(page, serverMessage) {
  setChildren(
    page.area,
    h('p', { class: 'nhsuk-lede-text', text: serverMessage || 'Only administrators can use this page.' }),
    h('p', {}, h('a', { href: '/account', text: 'Go to your account' })),
  );
}

/** After a 403 second_factor_required: ask the session again, then explain. */
export function showSecondFactorNeeded(page) {
  refreshSession().then((state) => {
    if (page.ctx.signal.aborted) return;
    if (state.session) explainSecondFactor(page, state.session);
  });
}

function explainSecondFactor(page, session) {
  const sf = session.second_factor;
  const here = page.ctx.url.pathname + page.ctx.url.search;
  const title = 'You need two-step sign-in to use administration tools';
  page.heading.textContent = title;
  page.ctx.setTitle(title);
  setChildren(
    page.area,
    h('p', {
      class: 'nhsuk-lede-text',
      text: 'To keep members safe, administrators confirm who they are with a second step when they sign in: a code from an app on their phone.',
    }),
    ...secondFactorSteps(sf, here),
  );
}

/**
 * A problem loading: the second step, not allowed, signed out, or something else (with "Try again").
 * @returns {boolean} true when it was handled as a special case
 */
export function showLoadProblem(page, err, what) {
  const code = err instanceof ApiError ? err.code : 'unreachable';
  if (code === 'second_factor_required') {
    showSecondFactorNeeded(page);
    return true;
  }
  if (err instanceof ApiError && err.status === 403) {
    showNotAdmin(page, err.message);
    return true;
  }
  if (err instanceof ApiError && err.status === 401) {
    refreshSession().then(() => {
      if (!page.ctx.signal.aborted) page.ctx.navigate(`/sign-in?next=${encodeURIComponent(page.ctx.url.pathname + page.ctx.url.search)}`, { replace: true });
    });
    return true;
  }
  setChildren(
    page.area,
    h('p', { text: `We could not load ${what} just now.` }),
    h('p', { text: err?.message || 'Please try again in a few minutes.' }),
    h('p', {}, h('a', { href: page.ctx.url.pathname + page.ctx.url.search, 'data-router': 'off', text: 'Try again' })),
  );
  return false;
}

export { loadingLine };

export const str = (v) => (typeof v === 'string' ? v : '');

const STATUS_TAGS = {
  active: { text: 'Active', class: 'nhsuk-tag--green' },
  suspended: { text: 'Suspended', class: 'nhsuk-tag--red' },
  erased: { text: 'Deleted', class: 'nhsuk-tag--grey' },
};

/** An account's status as an NHS.UK tag. */
export function statusTag(status) {
  const t = Object.hasOwn(STATUS_TAGS, status) ? STATUS_TAGS[status] : { text: str(status) || 'Unknown', class: 'nhsuk-tag--grey' };
  return h('strong', { class: `nhsuk-tag ${t.class}`, text: t.text });
}

/**
 * Keyset paging shared by the admin lists: loads the first page, then one more page each time
 * `more` is pressed. `load(before)` resolves to the API's answer; `show(data, append)` renders it
 * and returns the next `before` (or null when there is no more). `what` names the list in errors.
 */
export function keysetPaging({ page, ctx, more, status, load, show, what }) {
  let nextBefore = null;
  load(null)
    .then((d) => {
      if (!ctx.signal.aborted) nextBefore = show(d, false);
    })
    .catch((err) => !ctx.signal.aborted && showLoadProblem(page, err, what));
  more.addEventListener('click', () => {
    if (nextBefore === null) return;
    busy(more, true, 'Loading\u2026');
    load(nextBefore)
      .then((d) => {
        if (!ctx.signal.aborted) nextBefore = show(d, true);
      })
      .catch((err) => {
        if (!ctx.signal.aborted) status.textContent = err?.message || `We could not load more of ${what}.`;
      })
      .finally(() => busy(more, false));
  });
}

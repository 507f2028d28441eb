// Pieces shared by the forum, blog, resources, search, notification and moderation pages: the
// signed-in gate with the community chosen, and problems loading explained kindly.
import { ApiError } from '../api.js';
import { h, setChildren } from '../dom.js';
import { chooseNetwork } from '../networks.js';
import { refreshSession } from '../session.js';
import { column, loadingLine, secondFactorSteps, whenSignedIn } from './common.js';

export { column, loadingLine };

/** A full-width NHS.UK grid row. */
export function wide(...children) {
  return h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-full' }, ...children));
}

/** A positive whole number from the address (?id=12), or null. */
export function idParam(url, name = 'id') {
  const raw = url.searchParams.get(name) || '';
  return /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : null;
}

/**
 * Signed in, then the community to show (from ?network=, or the person's first).
 * @param {{ctx: any, area: HTMLElement, heading: HTMLElement}} page
 * @param {(session: any, network: ReturnType<typeof chooseNetwork>) => void} show
 */
export function withNetwork(page, show) {
  whenSignedIn(page.ctx, page.area, (session) => {
    const network = chooseNetwork(session, page.ctx.url);
    if (!network) {
      setChildren(
        page.area,
        h('p', { class: 'nhsuk-lede-text', text: 'You are not part of a community on Harbour at the moment.' }),
        h('p', { text: 'Your therapy service can send you an invitation to join.' }),
      );
      return;
    }
    show(session, network);
  });
}

/**
 * Explain a problem loading something: not there (404), signed out (401), the second step
 * (staff), not allowed (403), or anything else with "Try again".
 * @param {{ctx: any, area: HTMLElement, heading: HTMLElement}} page
 * @param {any} err
 * @param {{what: string, notFoundTitle?: string, notFoundText?: string, back?: {href: string, text: string}}} o
 */
export function showProblem(page, err, o) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const here = ctx.url.pathname + ctx.url.search;
  const back = o.back ? h('p', {}, h('a', { href: o.back.href, text: o.back.text })) : null;
  if (err instanceof ApiError && err.status === 401) {
    refreshSession().then(() => {
      if (!ctx.signal.aborted) ctx.navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    });
    return;
  }
  if (err instanceof ApiError && err.code === 'second_factor_required') {
    const title = 'You need two-step sign-in to see this';
    heading.textContent = title;
    ctx.setTitle(title);
    refreshSession().then((state) => {
      if (ctx.signal.aborted || !state.session) return;
      setChildren(area, h('p', { class: 'nhsuk-lede-text', text: 'Staff confirm who they are with a code from an app on their phone before using moderation tools.' }), ...secondFactorSteps(state.session.second_factor, here));
    });
    return;
  }
  if (err instanceof ApiError && err.status === 404) {
    const title = o.notFoundTitle || 'Page not found';
    heading.textContent = title;
    ctx.setTitle(title);
    setChildren(area, h('p', { text: o.notFoundText || `We could not find ${o.what}. It may have been removed, or it may not be open to you.` }), back);
    return;
  }
  if (err instanceof ApiError && err.status === 403) {
    setChildren(area, h('p', { class: 'nhsuk-lede-text', text: err.message || 'This is not open to you.' }), back);
    return;
  }
  setChildren(
    area,
    h('p', { text: `We could not load ${o.what} just now.` }),
    h('p', { text: err?.message || 'Please try again in a few minutes.' }),
    h('p', {}, h('a', { href: here, 'data-router': 'off', text: 'Try again' })),
  );
}

/** Start a page: a heading and an area below it, inside a column. Returns the page record. */
export function startPage(main, ctx, { title, wideLayout = false, before = [] }) {
  const heading = h('h1', { text: title });
  const area = h('div', { class: 'harbour-page-area' });
  const top = h('div', { class: 'harbour-page-top' }, ...before);
  main.append((wideLayout ? wide : column)(top, heading, area));
  return { ctx, heading, area, top };
}

/** The address of this page with some query parameters changed (null removes one). */
export function withParams(url, changes) {
  const next = new URL(url.href);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') next.searchParams.delete(k);
    else next.searchParams.set(k, String(v));
  }
  return next.pathname + next.search;
}

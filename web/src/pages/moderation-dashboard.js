// /moderation/dashboard?network=<slug>: how a community's moderation is doing, for its staff at
// a glance: how much is waiting and for how long, how quickly posts were first reviewed in the
// last 7 days, and safeguarding cases (those past their deadline in red). Counts only, never who.
// It follows live queue and case events, so it can stay open on a shared screen.
import { getJson } from '../api.js';
import { arrowRightCircleIcon, h, setChildren } from '../dom.js';
import { onLive } from '../live-refresh.js';
import { isStaffOf, networkSwitcher, roleIn } from '../networks.js';
import { needsSecondStep } from '../session.js';
import { secondFactorSteps } from './common.js';
import { int, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork } from './content-common.js';

const TIME = new Intl.DateTimeFormat('en-GB', { hour: 'numeric', minute: '2-digit', hour12: true, timeZone: 'Europe/London' });

/** "42 minutes", "1 hour 5 minutes", "3 days 2 hours": a waiting time in words. */
export function durationWords(minutes) {
  const n = Number(minutes);
  if (!Number.isFinite(n) || n < 0) return '';
  const total = Math.round(n);
  const plural = (k, word) => `${k} ${word}${k === 1 ? '' : 's'}`;
  if (total < 60) return plural(total, 'minute');
  const days = Math.floor(total / 1440);
  const hours = Math.floor((total % 1440) / 60);
  const mins = total % 60;
  if (days) return hours ? `${plural(days, 'day')} ${plural(hours, 'hour')}` : plural(days, 'day');
  return mins ? `${plural(hours, 'hour')} ${plural(mins, 'minute')}` : plural(hours, 'hour');
}

/** Clinicians of the community and administrators read the service report. */
export function readsServiceReport(session, slug) {
  return Boolean(session?.user?.is_admin) || roleIn(session, slug) === 'clinician';
}

export const moderationDashboardPage = {
  title: 'Moderation dashboard',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Moderation dashboard', wideLayout: true });
    withNetwork(page, (session, network) => {
      if (!isStaffOf(session, network.slug)) {
        setChildren(page.area, h('p', { class: 'nhsuk-lede-text', text: 'The moderation dashboard is for staff of this community.' }));
        return;
      }
      if (needsSecondStep(session)) {
        const here = ctx.url.pathname + ctx.url.search;
        page.heading.textContent = 'You need two-step sign-in to see the dashboard';
        setChildren(page.area, ...secondFactorSteps(session.second_factor, here));
        return;
      }
      const path = `/networks/${encodeURIComponent(network.slug)}/moderation/dashboard`;
      page.area.replaceChildren(loadingLine('Loading the dashboard\u2026'));
      getJson(path, { signal: ctx.signal })
        .then((data) => {
          show(page, session, network, data?.dashboard);
          keepCurrent(page, session, network, path);
        })
        .catch((err) => showProblem(page, err, { what: 'the dashboard' }));
    });
  },
};

function show(page, session, network, d) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  heading.textContent = network.list.length > 1 ? `Moderation dashboard: ${network.name}` : 'Moderation dashboard';
  ctx.setTitle(heading.textContent);
  const q = `?network=${encodeURIComponent(network.slug)}`;
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/moderation/dashboard?network=${encodeURIComponent(slug)}`),
    h('p', { class: 'nhsuk-body-s', id: 'dashboard-updated', text: `Figures as of ${TIME.format(new Date())}. They update by themselves when the queue or cases change.` }),
    h(
      'ul',
      { class: 'nhsuk-grid-row nhsuk-card-group', id: 'dashboard' },
      card('dashboard-queue', 'Waiting in the queue', queueBody(d?.queue), { href: `/moderation${q}`, text: 'Open the moderation queue' }),
      card('dashboard-review', 'Time to first review', reviewBody(d?.review_last_7_days)),
      card('dashboard-cases', 'Safeguarding cases', casesBody(d?.cases), { href: `/cases${q}`, text: 'See the cases' }),
    ),
    readsServiceReport(session, network.slug)
      ? h('a', { class: 'nhsuk-action-link', href: `/service-report${q}`, id: 'dashboard-report-link' }, arrowRightCircleIcon(), h('span', { class: 'nhsuk-action-link__text', text: 'Weekly service report' }))
      : null,
  );
}

function card(id, title, body, link = null) {
  return h(
    'li',
    { class: 'nhsuk-grid-column-one-third nhsuk-card-group__item' },
    h(
      'div',
      { class: 'nhsuk-card', id },
      h(
        'div',
        { class: 'nhsuk-card__content' },
        h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m', id: `${id}-heading`, text: title }),
        body,
        link ? h('p', { class: 'nhsuk-u-margin-bottom-0' }, h('a', { href: link.href, id: `${id}-link`, text: link.text })) : null,
      ),
    ),
  );
}

/** A big figure and what it counts, read as one sentence ("3 posts waiting"). */
function figure(id, n, words) {
  return h('p', { class: 'nhsuk-u-margin-bottom-2', id }, h('span', { class: 'nhsuk-heading-xl nhsuk-u-margin-bottom-0', text: String(n) }), ` ${words}`);
}

function queueBody(queue) {
  const open = int(queue?.open) ?? 0;
  const oldest = int(queue?.oldest_minutes);
  return [
    figure('dashboard-open', open, open === 1 ? 'item waiting' : 'items waiting'),
    h('p', { class: 'nhsuk-body-s', id: 'dashboard-oldest', text: open && oldest !== null ? `Oldest waiting ${durationWords(oldest)}.` : 'Nothing is waiting. Thank you.' }),
  ];
}

function reviewBody(review) {
  const sample = int(review?.sample) ?? 0;
  const median = typeof review?.median_minutes === 'number' ? review.median_minutes : null;
  const p90 = typeof review?.p90_minutes === 'number' ? review.p90_minutes : null;
  const intro = h('p', { class: 'nhsuk-body-s', text: 'From a post arriving in the queue to a moderator\u2019s first decision, in the last 7 days.' });
  if (median === null) {
    return [
      intro,
      h('p', { id: 'dashboard-review-none', text: 'Not enough reviews yet.' }),
      h('p', { class: 'nhsuk-body-s', text: `Times are shown from 5 reviews; there ${sample === 1 ? 'has been 1' : `have been ${sample}`} so far.` }),
    ];
  }
  return [
    intro,
    h(
      'dl',
      { class: 'nhsuk-summary-list nhsuk-u-margin-bottom-2', id: 'dashboard-review-times' },
      fact('Usually (median)', durationWords(median)),
      fact('9 in 10 within', durationWords(p90 ?? median)),
    ),
    h('p', { class: 'nhsuk-body-s', text: `From ${sample} ${sample === 1 ? 'review' : 'reviews'}.` }),
  ];
}

function casesBody(cases) {
  const active = int(cases?.active) ?? 0;
  const late = int(cases?.past_deadline) ?? 0;
  return [
    figure('dashboard-active-cases', active, active === 1 ? 'case not yet closed' : 'cases not yet closed'),
    h(
      'p',
      { id: 'dashboard-past-deadline' },
      late > 0 ? tag(`${late} past ${late === 1 ? 'its' : 'their'} deadline`, 'red') : h('span', { class: 'nhsuk-body-s', text: 'None past their deadline.' }),
    ),
  ];
}

function fact(key, value) {
  return h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key', text: key }), h('dd', { class: 'nhsuk-summary-list__value', text: value }));
}

/**
 * Fresh figures on live queue and case events (after a short pause, so a burst is one load).
 * Focus stays where it was; if the focused link would vanish, the update waits until focus
 * leaves the figures.
 */
function keepCurrent(page, session, network, path) {
  const { ctx } = page;
  let waiting = false;
  const update = () => {
    const focused = page.area.contains(document.activeElement) ? document.activeElement : null;
    if (focused && !focused.id) {
      waiting = true;
      return;
    }
    waiting = false;
    getJson(path, { signal: ctx.signal })
      .then((data) => {
        if (ctx.signal.aborted) return;
        show(page, session, network, data?.dashboard);
        if (focused) document.getElementById(focused.id)?.focus();
      })
      .catch(() => {});
  };
  onLive(ctx.signal, ['queue_changed', 'case_opened'], network.slug, update, { settleMs: 1000 });
  page.area.addEventListener('focusout', (event) => {
    if (waiting && !page.area.contains(event.relatedTarget)) update();
  });
}

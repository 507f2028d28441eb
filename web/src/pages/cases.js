// /cases?network=<slug>&state=active|open|acknowledged|contacted|closed: the safeguarding cases of
// a community for its staff. Cases past their deadline come first with a red tag; each row says
// how urgent, when a response is due, who owns it and where it stands. Clinicians act on a case
// from its own page (/cases/item?id=); peer supporters and volunteers can read and add notes.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { announce } from '../live.js';
import { onLive } from '../live-refresh.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { needsSecondStep } from '../session.js';
import { formatDateTime, secondFactorSteps } from './common.js';
import { int, list, pager, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork, withParams } from './content-common.js';

const STATES = [
  { value: 'active', label: 'Not closed' },
  { value: 'open', label: 'Waiting' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'contacted', label: 'Contacted' },
  { value: 'closed', label: 'Closed' },
];
// How often the list looks for new cases while it is open (the socket alerts on-shift
// clinicians; this keeps the list itself current without a reload).
const REFRESH_MS = 30000;

const STATE_WORDS = { open: 'Waiting', acknowledged: 'Acknowledged', contacted: 'Contacted', closed: 'Closed' };

/** Urgent (red) or Concern (orange). */
export function tierTag(tier) {
  return tier === 'urgent' ? tag('Urgent', 'red') : tag('Concern', 'orange');
}

export function stateTagOf(state) {
  const colour = { open: 'blue', acknowledged: 'aqua-green', contacted: 'purple', closed: 'grey' }[state] || 'grey';
  return tag(STATE_WORDS[state] || 'Unknown', colour);
}

export function overdueTag() {
  return tag('Past its deadline', 'red', { class: 'nhsuk-tag nhsuk-tag--red harbour-case-overdue' });
}

export const casesPage = {
  title: 'Safeguarding cases',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Safeguarding cases', wideLayout: true });
    withNetwork(page, (session, network) => {
      if (!isStaffOf(session, network.slug)) {
        setChildren(page.area, h('p', { class: 'nhsuk-lede-text', text: 'Safeguarding cases are for staff of this community.' }));
        return;
      }
      if (needsSecondStep(session)) {
        const here = ctx.url.pathname + ctx.url.search;
        page.heading.textContent = 'You need two-step sign-in to see cases';
        setChildren(page.area, ...secondFactorSteps(session.second_factor, here));
        return;
      }
      const asked = ctx.url.searchParams.get('state');
      const state = STATES.some((s) => s.value === asked) ? asked : 'active';
      const raw = ctx.url.searchParams.get('before') || '';
      const before = state === 'closed' && /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
      const qs = new URLSearchParams({ state, ...(before ? { before } : {}) });
      const path = `/networks/${encodeURIComponent(network.slug)}/cases?${qs}`;
      page.network = network;
      page.area.replaceChildren(loadingLine('Loading cases\u2026'));
      getJson(path, { signal: ctx.signal })
        .then((data) => {
          show(page, network, state, before, data);
          if (state !== 'closed') keepCurrent(page, path, data);
        })
        .catch((err) => showProblem(page, err, { what: 'the cases' }));
    });
  },
};

function show(page, network, state, before, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  heading.textContent = network.list.length > 1 ? `Safeguarding cases: ${network.name}` : 'Safeguarding cases';
  const cases = list(data?.cases);
  const next = int(data?.next_before);
  const filter = h(
    'nav',
    { class: 'harbour-admin-nav harbour-queue-filter', 'aria-label': 'Cases' },
    h('ul', { class: 'nhsuk-list harbour-admin-nav__list' }, STATES.map((s) => h('li', {}, h('a', { href: withParams(ctx.url, { state: s.value === 'active' ? null : s.value, before: null }), 'aria-current': s.value === state ? 'page' : null, text: s.label })))),
  );
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/cases?network=${encodeURIComponent(slug)}`),
    filter,
    h('p', { class: 'harbour-list-status', role: 'status', id: 'cases-status', text: statusText(cases) }),
    cases.length ? casesTable(cases) : h('p', { id: 'cases-empty', text: state === 'closed' ? 'No closed cases yet.' : 'There are no cases here at the moment.' }),
    state === 'closed'
      ? pager({ label: 'Case pages', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older' } : null })
      : null,
  );
}

function statusText(cases) {
  if (!cases.length) return '';
  const overdue = cases.filter((k) => k.overdue === true).length;
  return `${cases.length} ${cases.length === 1 ? 'case' : 'cases'}${overdue ? `, ${overdue} past ${overdue === 1 ? 'its' : 'their'} deadline` : ''}`;
}

function casesTable(cases) {
  const head = ['Case', 'Member', 'Urgency', 'Status', 'Respond by', 'Owner'];
  return h(
    'table',
    { class: 'nhsuk-table-responsive harbour-cases', id: 'cases' },
    h('caption', { class: 'nhsuk-table__caption nhsuk-u-visually-hidden', text: 'Safeguarding cases, those past their deadline first' }),
    h('thead', { class: 'nhsuk-table__head' }, h('tr', { role: 'row' }, head.map((t) => h('th', { role: 'columnheader', class: 'nhsuk-table__header', scope: 'col', text: t })))),
    h('tbody', { class: 'nhsuk-table__body' }, cases.map((k) => caseRow(k, head))),
  );
}

function caseRow(k, head) {
  const id = int(k.id);
  const cell = (i, ...content) =>
    h('td', { role: 'cell', class: 'nhsuk-table__cell' }, h('span', { class: 'nhsuk-table-responsive__heading', 'aria-hidden': 'true', text: `${head[i]} ` }), ...content);
  const excerpt = str(k.post?.excerpt);
  return h(
    'tr',
    { role: 'row', class: 'nhsuk-table__row', id: `case-${id}`, 'data-case-id': String(id) },
    cell(0, h('a', { href: `/cases/item?id=${id}`, text: `Case ${id}` }), excerpt ? h('span', { class: 'nhsuk-body-s harbour-case-excerpt' }, h('br'), `\u201c${excerpt}\u201d`) : null),
    cell(1, str(k.member?.pseudonym) || 'Unknown'),
    cell(2, tierTag(k.tier)),
    cell(3, stateTagOf(k.state), k.overdue === true ? [' ', overdueTag()] : null),
    cell(4, h('time', { datetime: str(k.due_at), text: formatDateTime(k.due_at) })),
    cell(5, str(k.owner?.pseudonym) || 'Nobody yet'),
  );
}

/**
 * Keeps the list current while it is shown: at once on a live `case_opened` for this community,
 * and every REFRESH_MS as a fallback (a socket can be down). A new case is announced politely.
 * While focus is in the table the rows stay put; a "New cases: refresh" button appears instead.
 */
function keepCurrent(page, path, data) {
  const { ctx } = page;
  let known = new Set(list(data?.cases).map((k) => int(k.id)));
  const notice = h('div', { class: 'harbour-live-notice', id: 'cases-live-notice', role: 'status' });
  page.top.append(notice);
  const replaceList = (fresh) => {
    const cases = list(fresh?.cases);
    const ids = cases.map((k) => int(k.id));
    const added = ids.filter((id) => !known.has(id)).length;
    known = new Set(ids);
    const replacement = cases.length ? casesTable(cases) : h('p', { id: 'cases-empty', text: 'There are no cases here at the moment.' });
    (document.getElementById('cases') || document.getElementById('cases-empty'))?.replaceWith(replacement);
    const status = document.getElementById('cases-status');
    if (status) status.textContent = statusText(cases);
    notice.replaceChildren();
    if (added) announce(added === 1 ? 'A new safeguarding case has been opened.' : `${added} new safeguarding cases have been opened.`);
  };
  const offerRefresh = () => {
    if (notice.querySelector('button')) return;
    const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'cases-refresh', text: 'New cases: refresh' });
    button.addEventListener('click', () => {
      getJson(path, { signal: ctx.signal })
        .then((fresh) => {
          if (ctx.signal.aborted) return;
          replaceList(fresh);
          const status = document.getElementById('cases-status') || page.heading;
          status.setAttribute('tabindex', '-1');
          status.focus();
        })
        .catch(() => {});
    });
    notice.replaceChildren(h('p', { class: 'nhsuk-body-s nhsuk-u-margin-bottom-2', text: 'There are new cases since you opened this list.' }), button);
  };
  const refresh = ({ live = false } = {}) =>
    getJson(path, { signal: ctx.signal })
      .then((fresh) => {
        if (ctx.signal.aborted) return;
        // Leave the rows alone while someone is working in them.
        if (document.getElementById('cases')?.contains(document.activeElement)) {
          if (live || list(fresh?.cases).some((k) => !known.has(int(k.id)))) offerRefresh();
          return;
        }
        replaceList(fresh);
      })
      .catch(() => {});
  const timer = setInterval(() => {
    if (ctx.signal.aborted) clearInterval(timer);
    else refresh();
  }, REFRESH_MS);
  ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  onLive(ctx.signal, ['case_opened'], page.network.slug, () => refresh({ live: true }));
}

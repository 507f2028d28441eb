// /cases?network=<slug>&state=active|open|acknowledged|contacted|closed: the safeguarding cases of
// a community for its staff. Cases past their deadline come first with a red tag; each row says
// how urgent, when a response is due, who owns it and where it stands. Clinicians act on a case
// from its own page (/cases/item?id=); peer supporters and volunteers can read and add notes.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { announce } from '../live.js';
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

/** Looks again every REFRESH_MS while the page is shown; a new case is announced politely. */
function keepCurrent(page, path, data) {
  let known = new Set(list(data?.cases).map((k) => int(k.id)));
  const timer = setInterval(() => {
    if (page.ctx.signal.aborted) {
      clearInterval(timer);
      return;
    }
    getJson(path, { signal: page.ctx.signal })
      .then((fresh) => {
        if (page.ctx.signal.aborted) return;
        const ids = list(fresh?.cases).map((k) => int(k.id));
        const added = ids.filter((id) => !known.has(id)).length;
        const table = document.getElementById('cases');
        // Leave the page alone while someone is working in it.
        if (table?.contains(document.activeElement)) return;
        known = new Set(ids);
        const replacement = list(fresh?.cases).length ? casesTable(list(fresh.cases)) : h('p', { id: 'cases-empty', text: 'There are no cases here at the moment.' });
        (table || document.getElementById('cases-empty'))?.replaceWith(replacement);
        const status = document.getElementById('cases-status');
        if (status) status.textContent = statusText(list(fresh?.cases));
        if (added) announce(added === 1 ? 'A new safeguarding case has been opened.' : `${added} new safeguarding cases have been opened.`);
      })
      .catch(() => {});
  }, REFRESH_MS);
  page.ctx.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
}

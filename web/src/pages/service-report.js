// /service-report?network=<slug>&weeks=4|8|13|26: the weekly service report of a community for
// its clinicians and for administrators: members active, posts, how many were held, how fast
// they were reviewed, and safeguarding cases, per week starting Monday in the community's time zone. Counts only, never
// who: the server leaves out counts from 1 to 4 (null), and this page says so plainly. The same
// figures download as CSV (a link to the API; the session cookie goes with it, same origin).
import { h, insetText, setChildren } from '../dom.js';
import { getJson } from '../api.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { needsSecondStep } from '../session.js';
import { secondFactorSteps } from './common.js';
import { list } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork, withParams } from './content-common.js';
import { readsServiceReport } from './moderation-dashboard.js';

const WEEK_CHOICES = [4, 8, 13, 26];
const DEFAULT_WEEKS = 8;
const SUPPRESSED = 'fewer than 5';

// week_start is a calendar date ('YYYY-MM-DD'); read and written in UTC so it never shifts a day.
const WEEK_START = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });
const MINUTES = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

const COLUMNS = [
  { key: 'week_start', label: 'Week starting (Monday)' },
  { key: 'members_active', label: 'Members active' },
  { key: 'posts', label: 'Posts' },
  { key: 'held', label: 'Held for a moderator' },
  { key: 'held_share', label: 'Share held' },
  { key: 'median_review_minutes', label: 'Median minutes to review' },
  { key: 'cases_opened', label: 'Cases opened' },
  { key: 'cases_answered_in_time', label: 'Cases answered in time' },
  { key: 'cases_closed', label: 'Cases closed' },
];

/** The weeks asked for in the address, when it is one of the choices. */
function weeksOf(url) {
  const n = Number(url.searchParams.get('weeks'));
  return WEEK_CHOICES.includes(n) ? n : DEFAULT_WEEKS;
}

export const serviceReportPage = {
  title: 'Service report',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Service report', wideLayout: true });
    withNetwork(page, (session, network) => {
      if (!readsServiceReport(session, network.slug)) {
        setChildren(
          page.area,
          h('p', { class: 'nhsuk-lede-text', text: 'The service report is for clinicians and administrators of this community.' }),
          isStaffOf(session, network.slug) ? h('p', {}, h('a', { href: `/moderation/dashboard?network=${encodeURIComponent(network.slug)}`, text: 'Go to the moderation dashboard' })) : null,
        );
        return;
      }
      if (needsSecondStep(session)) {
        const here = ctx.url.pathname + ctx.url.search;
        page.heading.textContent = 'You need two-step sign-in to see the service report';
        setChildren(page.area, ...secondFactorSteps(session.second_factor, here));
        return;
      }
      const weeks = weeksOf(ctx.url);
      const base = `/networks/${encodeURIComponent(network.slug)}/service-report?weeks=${weeks}`;
      page.area.replaceChildren(loadingLine('Loading the report\u2026'));
      getJson(`${base}&format=json`, { signal: ctx.signal })
        .then((data) => show(page, network, weeks, `/api/v1${base}&format=csv`, data))
        .catch((err) => showProblem(page, err, { what: 'the service report' }));
    });
  },
};

function show(page, network, weeks, csvHref, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  heading.textContent = network.list.length > 1 ? `Service report: ${network.name}` : 'Service report';
  ctx.setTitle(heading.textContent);
  const rows = list(data?.weeks).filter((w) => w && typeof w === 'object' && typeof w.week_start === 'string');
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/service-report?network=${encodeURIComponent(slug)}&weeks=${weeks}`),
    h('p', { class: 'nhsuk-lede-text', text: 'How the community has been used and moderated, week by week. It holds counts only, never who.' }),
    weeksForm(ctx, weeks),
    insetText(
      h('p', { id: 'report-privacy', text: 'To protect privacy, counts from 1 to 4 are not shown: they appear as \u201cfewer than 5\u201d.' }),
      h('p', { text: 'The share held is shown only when both of its counts are, and the median time to review only for weeks with 5 or more reviews. Otherwise they say \u201cnot shown\u201d.' }),
    ),
    rows.length ? table(network, weeks, rows) : h('p', { id: 'report-empty', text: 'There are no weeks to show yet.' }),
    h(
      'p',
      {},
      // The router leaves /api/ links to the browser, which downloads the file with the cookie.
      h('a', { href: csvHref, download: `harbour-service-report-${network.slug}.csv`, id: 'report-csv' }, 'Download as CSV', h('span', { class: 'nhsuk-u-visually-hidden', text: ` (the last ${weeks} weeks, a spreadsheet file)` })),
    ),
    h('p', { class: 'nhsuk-body-s' }, h('a', { href: `/moderation/dashboard?network=${encodeURIComponent(network.slug)}`, text: 'Back to the moderation dashboard' })),
  );
}

function weeksForm(ctx, weeks) {
  const select = h(
    'select',
    { class: 'nhsuk-select', id: 'report-weeks', name: 'weeks' },
    WEEK_CHOICES.map((n) => h('option', { value: String(n), selected: n === weeks, text: `The last ${n} weeks` })),
  );
  const form = h(
    'form',
    { class: 'harbour-report-weeks', id: 'report-weeks-form', novalidate: true },
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: select.id, text: 'Weeks to show' }), select),
    h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', text: 'Show' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(withParams(ctx.url, { weeks: select.value === String(DEFAULT_WEEKS) ? null : select.value }));
  });
  return form;
}

function table(network, weeks, rows) {
  return h(
    'table',
    { class: 'nhsuk-table-responsive harbour-report', id: 'report', role: 'table' },
    h('caption', { class: 'nhsuk-table__caption', text: `${network.name}: the last ${weeks} weeks, oldest first` }),
    h(
      'thead',
      { class: 'nhsuk-table__head', role: 'rowgroup' },
      h('tr', { role: 'row' }, COLUMNS.map((c, i) => h('th', { scope: 'col', role: 'columnheader', class: `nhsuk-table__header${i ? ' nhsuk-table__header--numeric' : ''}`, text: c.label }))),
    ),
    h('tbody', { class: 'nhsuk-table__body' }, rows.map((w) => weekRow(w))),
  );
}

function weekRow(w) {
  const label = (i) => h('span', { class: 'nhsuk-table-responsive__heading', 'aria-hidden': 'true', text: `${COLUMNS[i].label} ` });
  const start = new Date(`${w.week_start}T00:00:00Z`);
  const cells = COLUMNS.slice(1).map((c, i) => {
    const shown = cellText(c.key, w);
    return h('td', { role: 'cell', class: `nhsuk-table__cell nhsuk-table__cell--numeric${shown.muted ? ' nhsuk-u-secondary-text-colour' : ''}`, 'data-column': c.key }, label(i + 1), shown.text);
  });
  return h(
    'tr',
    { role: 'row', class: 'nhsuk-table__row', 'data-week': w.week_start },
    h('th', { scope: 'row', role: 'rowheader', class: 'nhsuk-table__header' }, label(0), h('time', { datetime: w.week_start, text: Number.isNaN(start.getTime()) ? w.week_start : WEEK_START.format(start) })),
    cells,
  );
}

/** A cell as shown: counts, a share as a percentage, minutes; what is left out said in words. */
function cellText(key, w) {
  const v = w[key];
  const known = typeof v === 'number' && Number.isFinite(v);
  if (key === 'held_share') {
    if (known) return { text: PERCENT.format(v) };
    // No posts: nothing to share out. Otherwise one of its counts is left out.
    if (w.posts === 0) return { text: [h('span', { 'aria-hidden': 'true', text: '\u2013' }), h('span', { class: 'nhsuk-u-visually-hidden', text: 'no posts' })] };
    return { text: 'not shown', muted: true };
  }
  if (key === 'median_review_minutes') return known ? { text: MINUTES.format(v) } : { text: 'not shown', muted: true };
  return known ? { text: String(v) } : { text: SUPPRESSED, muted: true };
}

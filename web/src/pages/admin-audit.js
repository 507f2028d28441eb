// /admin/audit: the audit log for administrators. Whether the hash chain is intact comes first,
// then filters (action, outcome), a table of rows, and "Show older rows".
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { busy, selectField, textField } from '../forms.js';
import { roleTitle } from '../session.js';
import { formatDateTime } from './common.js';
import { adminNav, loadingLine, showLoadProblem, str, whenAdmin, keysetPaging } from './admin-common.js';

const ACTION_RE = /^[a-z0-9_.:-]{1,64}$/;
const OUTCOMES = [
  { value: '', label: 'Any outcome' },
  { value: 'success', label: 'Succeeded' },
  { value: 'denied', label: 'Refused' },
  { value: 'failure', label: 'Failed' },
];
const PAGE_SIZE = 50;

export const adminAuditPage = {
  title: 'Audit log',
  render(main, ctx) {
    const heading = h('h1', { text: 'Audit log' });
    const area = h('div');
    main.append(h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-full' }, takeFlashBanner(), adminNav('/admin/audit'), heading, area)));
    const page = { area, heading, ctx };
    whenAdmin(page, () => showAudit(page));
  },
};

/** The verification result, green or red. */
function verificationPanel(v) {
  if (!v || typeof v !== 'object') {
    return h('div', { class: 'nhsuk-inset-text', id: 'audit-verification' }, h('p', { text: 'Harbour did not say whether the audit log has been checked.' }));
  }
  const checked = Number.isSafeInteger(v.rows_checked) ? v.rows_checked : null;
  if (v.ok === true) {
    return h(
      'div',
      { class: 'nhsuk-card nhsuk-card--feature harbour-audit-ok', id: 'audit-verification', 'data-ok': 'true' },
      h(
        'div',
        { class: 'nhsuk-card__content nhsuk-card__content--feature' },
        h('h2', { class: 'nhsuk-card__heading nhsuk-card__heading--feature', text: 'Audit log check' }),
        h('p', { class: 'harbour-audit-ok__text', text: `The audit log is intact: ${checked === null ? 'all' : checked} ${checked === 1 ? 'row' : 'rows'} checked.` }),
        h('p', { class: 'nhsuk-body-s', text: 'Every row links to the one before it, and none has been changed or removed.' }),
      ),
    );
  }
  const problem = str(v.problem) || 'a row does not match the one before it';
  const bad = Number.isSafeInteger(v.first_bad_id) ? v.first_bad_id : null;
  return h(
    'div',
    { class: 'nhsuk-error-summary harbour-audit-bad', id: 'audit-verification', 'data-ok': 'false', tabindex: '-1' },
    h(
      'div',
      { role: 'alert' },
      h('h2', { class: 'nhsuk-error-summary__heading', text: `The audit log has been changed: ${problem}` }),
      h(
        'div',
        { class: 'nhsuk-error-summary__body' },
        bad === null ? null : h('p', { text: `The first row that does not match is number ${bad}.` }),
        checked === null ? null : h('p', { text: `${checked} ${checked === 1 ? 'row was' : 'rows were'} checked.` }),
        h('p', { text: 'Tell your service\u2019s information governance lead. Do not try to fix the log yourself.' }),
      ),
    ),
  );
}

function cellText(v) {
  return v === null || v === undefined || v === '' ? '\u2013' : String(v);
}

function auditRow(r) {
  const cell = (text) => h('td', { class: 'nhsuk-table__cell', text: cellText(text) });
  const target = [str(r.target_type), r.target_id ?? ''].filter((x) => x !== '').join(' ');
  const actor = str(r.actor_pseudonym) || (r.actor_id === null || r.actor_id === undefined ? 'Harbour' : `Person ${r.actor_id}`);
  return h(
    'tr',
    { class: 'nhsuk-table__row', 'data-action': str(r.action), 'data-outcome': str(r.outcome) },
    cell(formatDateTime(r.at) || str(r.at)),
    cell(actor),
    cell(str(r.actor_role) ? roleTitle(str(r.actor_role)) : ''),
    cell(str(r.action)),
    cell(target),
    cell(str(r.outcome)),
    cell(str(r.reason)),
  );
}

function showAudit(page) {
  const { ctx, area } = page;
  const params = ctx.url.searchParams;
  const action = ACTION_RE.test(params.get('action') || '') ? params.get('action') : '';
  const outcome = OUTCOMES.some((o) => o.value && o.value === params.get('outcome')) ? params.get('outcome') : '';

  const actionField = textField({ id: 'audit-action', label: 'Action', hint: 'For example user.suspend', width: 20, spellcheck: false, autocomplete: 'off', value: action, attrs: { maxlength: '64' } });
  const outcomeField = selectField({ id: 'audit-outcome', label: 'Outcome', options: OUTCOMES, selected: outcome });
  const form = h(
    'form',
    { novalidate: true, id: 'audit-filters', role: 'search', 'aria-label': 'Filter the audit log' },
    h('div', { class: 'harbour-filters' }, actionField.group, outcomeField.group),
    h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', text: 'Filter' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const typed = actionField.value().trim();
    if (typed && !ACTION_RE.test(typed)) {
      actionField.setError('Enter an action using lower-case letters, numbers, dots and underscores');
      return;
    }
    actionField.setError(null);
    const next = new URLSearchParams();
    if (typed) next.set('action', typed);
    if (outcomeField.value()) next.set('outcome', outcomeField.value());
    const qs = next.toString();
    ctx.navigate(`/admin/audit${qs ? `?${qs}` : ''}`, { force: true });
  });

  const verification = h('div', {}, loadingLine('Checking the audit log\u2026'));
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'audit-status' });
  const results = h('div', { id: 'audit-results' });
  const more = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'audit-more', hidden: true, text: 'Show older rows' });
  setChildren(area, verification, form, h('h2', { class: 'nhsuk-heading-m', text: 'Rows, newest first' }), status, results, more);

  const base = new URLSearchParams();
  if (action) base.set('action', action);
  if (outcome) base.set('outcome', outcome);
  base.set('limit', String(PAGE_SIZE));
  let nextBefore = null;
  let tbody = null;
  const load = (before) => {
    const qs = new URLSearchParams(base);
    if (before !== null) qs.set('before', String(before));
    return getJson(`/admin/audit?${qs}`, { signal: ctx.signal, timeoutMs: 20000 });
  };
  const show = (data, append) => {
    const rows = Array.isArray(data?.rows) ? data.rows.filter((r) => r && typeof r === 'object') : [];
    nextBefore = Number.isSafeInteger(data?.next_before) ? data.next_before : null;
    more.hidden = nextBefore === null;
    const trs = rows.map(auditRow);
    if (append && tbody) {
      tbody.append(...trs);
      status.textContent = `${rows.length} older ${rows.length === 1 ? 'row' : 'rows'} shown.`;
      return nextBefore;
    }
    verification.replaceChildren(verificationPanel(data?.verification));
    if (rows.length === 0) {
      results.replaceChildren(h('p', { text: action || outcome ? 'No rows match these filters.' : 'The audit log is empty.' }));
      return nextBefore;
    }
    tbody = h('tbody', { class: 'nhsuk-table__body' }, trs);
    results.replaceChildren(
      h(
        'div',
        { class: 'harbour-table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Audit log rows' },
        h(
          'table',
          { class: 'nhsuk-table harbour-audit-table', id: 'audit-table' },
          h('caption', { class: 'nhsuk-table__caption nhsuk-u-visually-hidden', text: 'Audit log rows' }),
          h(
            'thead',
            { class: 'nhsuk-table__head' },
            h('tr', {}, ['Time', 'Who', 'Role', 'Action', 'Target', 'Outcome', 'Reason'].map((t) => h('th', { scope: 'col', class: 'nhsuk-table__header', text: t }))),
          ),
          tbody,
        ),
      ),
    );
    return nextBefore;
  };
  keysetPaging({ page, ctx, more, status, load, show, what: 'the audit log' });
}

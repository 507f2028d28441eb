// /admin/users: administrators find people by the start of their name on Harbour (and by
// community), and open /admin/users/<id> to see an account, suspend or restore it, and change
// someone's role in a community.
import { ApiError, getJson, postJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner, setFlash } from '../flash.js';
import { busy, errorSummary, selectField, textField, textareaField } from '../forms.js';
import { roleTitle } from '../session.js';
import { column, formatDateTime } from './common.js';
import { adminNav, loadingLine, showLoadProblem, statusTag, str, whenAdmin, keysetPaging } from './admin-common.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;
const Q_MAX = 64;
const REASON_MIN = 3;
const REASON_MAX = 500;
const ROLES = ['member', 'carer', 'volunteer', 'peer_supporter', 'clinician'];

function wide(...children) {
  return h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-full' }, ...children));
}

/** Memberships from a reply, tidied (ignoring anything malformed). */
function memberships(user) {
  return Array.isArray(user?.memberships)
    ? user.memberships
        .filter((m) => m && typeof m === 'object' && m.network && str(m.network.slug))
        .map((m) => ({ slug: str(m.network.slug), name: str(m.network.name) || str(m.network.slug), role: str(m.role), active: m.active !== false }))
    : [];
}

function rolesText(user) {
  const list = memberships(user);
  if (list.length === 0) return 'No community';
  return list.map((m) => `${m.name}: ${roleTitle(m.role)}${m.active ? '' : ' (paused)'}`).join(', ');
}

// ---------------------------------------------------------------------------------------
// The list

export const adminUsersPage = {
  title: 'People on Harbour',
  render(main, ctx) {
    const heading = h('h1', { text: 'People on Harbour' });
    const area = h('div');
    main.append(wide(takeFlashBanner(), adminNav('/admin/users'), heading, area));
    const page = { area, heading, ctx };
    whenAdmin(page, (session) => showSearch(page, session));
  },
};

function showSearch(page, session) {
  const { ctx, area } = page;
  const params = ctx.url.searchParams;
  const q = (params.get('q') || '').slice(0, Q_MAX);
  const network = SLUG_RE.test(params.get('network') || '') ? params.get('network') : '';

  const networks = new Map(session.memberships.map((m) => [m.network.slug, m.network.name]));
  if (!networks.has('default')) networks.set('default', 'default');
  if (network && !networks.has(network)) networks.set(network, network);
  const nameField = textField({
    id: 'users-q',
    label: 'Name on Harbour',
    hint: 'The start of the name is enough, for example "Demo".',
    autocomplete: 'off',
    spellcheck: false,
    width: 20,
    value: q,
    attrs: { maxlength: String(Q_MAX) },
  });
  const networkField = selectField({
    id: 'users-network',
    label: 'Community',
    options: [{ value: '', label: 'All communities' }, ...[...networks].map(([slug, name]) => ({ value: slug, label: name }))],
    selected: network,
  });
  const form = h(
    'form',
    { novalidate: true, id: 'users-search', role: 'search', 'aria-label': 'Find people' },
    h('div', { class: 'harbour-filters' }, nameField.group, networkField.group),
    h('button', { class: 'nhsuk-button', type: 'submit', text: 'Search' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    const typed = nameField.value().trim();
    if (typed) next.set('q', typed);
    if (networkField.value()) next.set('network', networkField.value());
    const qs = next.toString();
    ctx.navigate(`/admin/users${qs ? `?${qs}` : ''}`, { force: true });
  });

  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'users-status' });
  const results = h('div', { id: 'users-results' }, loadingLine('Loading people\u2026'));
  const more = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'users-more', hidden: true, text: 'Show more people' });
  setChildren(area, form, h('h2', { class: 'nhsuk-heading-m', text: q || network ? 'Search results' : 'Everyone' }), status, results, more);

  const base = new URLSearchParams();
  if (q) base.set('q', q);
  if (network) base.set('network', network);
  let nextBefore = null;
  let tbody = null;

  const load = (before) => {
    const qs = new URLSearchParams(base);
    if (before !== null) qs.set('before', String(before));
    const s = qs.toString();
    return getJson(`/admin/users${s ? `?${s}` : ''}`, { signal: ctx.signal });
  };
  const show = (data, append) => {
    const users = Array.isArray(data?.users) ? data.users.filter((u) => u && typeof u === 'object') : [];
    nextBefore = Number.isSafeInteger(data?.next_before) ? data.next_before : null;
    more.hidden = nextBefore === null;
    const rows = users.map(userRow);
    if (append && tbody) {
      tbody.append(...rows);
      rows[0]?.querySelector('a')?.focus();
      return nextBefore;
    }
    if (users.length === 0) {
      results.replaceChildren(h('p', { text: q || network ? 'Nobody matches your search.' : 'There is nobody here yet.' }));
      status.textContent = '';
      return nextBefore;
    }
    tbody = h('tbody', { class: 'nhsuk-table__body' }, rows);
    results.replaceChildren(
      h(
        'table',
        { class: 'nhsuk-table', id: 'users-table' },
        h('caption', { class: 'nhsuk-table__caption nhsuk-u-visually-hidden', text: 'People' }),
        h(
          'thead',
          { class: 'nhsuk-table__head' },
          h('tr', {}, ['Name on Harbour', 'Status', 'Communities and roles', 'Joined'].map((t) => h('th', { scope: 'col', class: 'nhsuk-table__header', text: t }))),
        ),
        tbody,
      ),
    );
    return nextBefore;
  };
  keysetPaging({ page, ctx, more, status, load, show, what: 'the list of people' });
}

function userRow(u) {
  const id = Number.isSafeInteger(u.id) ? u.id : null;
  const name = str(u.pseudonym) || 'Unknown';
  const cell = (...c) => h('td', { class: 'nhsuk-table__cell' }, ...c);
  return h(
    'tr',
    { class: 'nhsuk-table__row', 'data-user-id': id === null ? null : String(id) },
    cell(id === null ? name : h('a', { href: `/admin/users/${id}`, text: name }), u.is_admin === true ? ' (administrator)' : null),
    cell(statusTag(str(u.status))),
    cell(rolesText(u)),
    cell(formatDateTime(u.created_at) || 'Not known'),
  );
}

// ---------------------------------------------------------------------------------------
// One person

// Fields shown in their own rows, or never (anything that looks like a secret).
const KNOWN = new Set(['id', 'pseudonym', 'status', 'is_admin', 'created_at', 'memberships']);
const SECRET_RE = /hash|secret|token|password|totp|recovery|key/i;

function words(key) {
  const s = String(key).replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A value from the server in words: dates as dates, true/false as Yes/No, objects as "key: value" lines. */
function valueText(key, v) {
  if (v === null || v === undefined || v === '') return 'None';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return (/(^|_)at$|date|time/.test(key) && formatDateTime(v)) || v;
  if (typeof v === 'object' && !Array.isArray(v)) {
    return Object.entries(v)
      .filter(([k, x]) => !SECRET_RE.test(k) && (x === null || typeof x !== 'object'))
      .map(([k, x]) => `${words(k)}: ${valueText(k, x)}`)
      .join(', ');
  }
  return '';
}

function summaryRow(key, ...value) {
  return h(
    'div',
    { class: 'nhsuk-summary-list__row' },
    h('dt', { class: 'nhsuk-summary-list__key', text: key }),
    h('dd', { class: 'nhsuk-summary-list__value' }, ...value),
  );
}

/** Extra fields (session count, recent sign-ins, ...), generically and safely. */
function extraRows(user) {
  const rows = [];
  for (const [key, v] of Object.entries(user)) {
    if (KNOWN.has(key) || SECRET_RE.test(key)) continue;
    if (Array.isArray(v)) {
      const items = v.map((x) => valueText(key, x)).filter(Boolean);
      rows.push(summaryRow(words(key), items.length ? h('ul', { class: 'nhsuk-list' }, items.slice(0, 20).map((t) => h('li', { text: t }))) : 'None'));
    } else {
      const text = valueText(key, v);
      if (text) rows.push(summaryRow(words(key), text));
    }
  }
  return rows;
}

export const adminUserPage = {
  title: 'Person',
  render(main, ctx) {
    const heading = h('h1', { text: 'Person' });
    const summary = errorSummary();
    const area = h('div');
    main.append(column(takeFlashBanner(), summary.element, adminNav(''), heading, area));
    const id = ctx.url.pathname.split('/').filter(Boolean).pop();
    const page = { area, heading, ctx, summary, id };
    whenAdmin(page, (session) => loadUser(page, session));
  },
};

function loadUser(page, session) {
  page.area.replaceChildren(loadingLine('Loading\u2026'));
  getJson(`/admin/users/${encodeURIComponent(page.id)}`, { signal: page.ctx.signal })
    .then((user) => {
      if (!page.ctx.signal.aborted) showUser(page, session, user?.user && typeof user.user === 'object' ? user.user : user);
    })
    .catch((err) => {
      if (page.ctx.signal.aborted) return;
      if (err instanceof ApiError && err.status === 404) {
        page.heading.textContent = 'Person not found';
        page.ctx.setTitle('Person not found');
        setChildren(page.area, h('p', { text: 'We could not find that person. They may have been removed.' }), h('p', {}, h('a', { href: '/admin/users', text: 'Find people' })));
        return;
      }
      showLoadProblem(page, err, 'this person');
    });
}

function showUser(page, session, user) {
  const { ctx, area, heading, summary } = page;
  const name = str(user.pseudonym) || 'Unknown';
  const status = str(user.status);
  heading.textContent = name;
  ctx.setTitle(`${name} \u2013 Administration`);
  const list = memberships(user);

  const details = h(
    'dl',
    { class: 'nhsuk-summary-list', id: 'user-details' },
    summaryRow('Status', h('span', { id: 'user-status' }, statusTag(status))),
    summaryRow('Administrator', user.is_admin === true ? 'Yes' : 'No'),
    summaryRow('Joined', formatDateTime(user.created_at) || 'Not known'),
    summaryRow(
      'Communities',
      list.length ? h('ul', { class: 'nhsuk-list' }, list.map((m) => h('li', { text: `${m.name}: ${roleTitle(m.role)}${m.active ? '' : ' (paused)'}` }))) : 'None',
    ),
    extraRows(user),
  );

  const self = session.user.id === user.id;
  const parts = [details];
  if (status === 'active' || status === 'suspended') parts.push(accessSection(page, session, user, name, status, self));
  if (status !== 'erased' && list.length) parts.push(rolesSection(page, session, user, list));
  parts.push(h('p', {}, h('a', { href: '/admin/users', text: 'Back to people' })));
  area.replaceChildren(...parts);
  summary.show([]);
}

function reasonProblem(text) {
  const n = [...text].length;
  if (n === 0) return 'Enter a reason';
  if (n < REASON_MIN) return `The reason must be at least ${REASON_MIN} characters`;
  if (n > REASON_MAX) return `The reason must be ${REASON_MAX} characters or fewer`;
  return null;
}

/** Suspend (with a confirm step) or restore. */
function accessSection(page, session, user, name, status, self) {
  const { ctx, summary } = page;
  const suspending = status === 'active';
  const section = h('div', { id: 'user-access' });
  const reason = textareaField({
    id: 'access-reason',
    label: suspending ? 'Why are you suspending this account?' : 'Why are you restoring this account?',
    hint: 'This is kept in the audit log. Other administrators can read it. Do not include health details.',
    rows: 3,
  });
  const submit = h('button', { class: suspending ? 'nhsuk-button nhsuk-button--warning' : 'nhsuk-button', type: 'submit', text: suspending ? 'Suspend account' : 'Restore account' });
  const confirmArea = h('div', { id: 'access-confirm' });
  const form = h(
    'form',
    { novalidate: true, id: 'access-form' },
    h('h2', { class: 'nhsuk-heading-m', text: suspending ? 'Suspend this account' : 'Restore this account' }),
    h('p', {
      text: suspending
        ? `Suspending ${name} signs them out everywhere straight away. They cannot sign in again until an administrator restores the account. Their posts stay as they are.`
        : `Restoring ${name} lets them sign in again.`,
    }),
    self && suspending ? h('p', { class: 'nhsuk-body-s', text: 'This is your own account. Harbour does not let you suspend yourself.' }) : null,
    reason.group,
    submit,
    confirmArea,
  );
  section.append(form);

  const fail = (message, field) => {
    reason.setError(field ? message : null);
    summary.show([{ field: field ? reason.input : null, message }]);
    ctx.setTitle(`Error: ${name} \u2013 Administration`);
  };
  const send = async (button) => {
    busy(button, true, suspending ? 'Suspending\u2026' : 'Restoring\u2026');
    try {
      await postJson(`/admin/users/${encodeURIComponent(String(user.id))}/${suspending ? 'suspend' : 'restore'}`, { reason: reason.value().trim() });
      if (ctx.signal.aborted) return;
      setFlash(suspending ? `${name} is suspended.` : `${name} can sign in again.`, suspending ? 'They have been signed out everywhere.' : 'Their account is active.');
      ctx.navigate(ctx.url.pathname, { force: true });
    } catch (err) {
      if (ctx.signal.aborted) return;
      busy(button, false);
      confirmArea.replaceChildren();
      submit.hidden = false;
      if (err instanceof ApiError && err.code === 'second_factor_required') {
        showLoadProblem(page, err, '');
        return;
      }
      const field = err instanceof ApiError && err.status === 400;
      fail(err?.message || 'We could not change the account. Please try again.', field);
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const problem = reasonProblem(reason.value().trim());
    reason.setError(problem);
    summary.show(problem ? [{ field: reason.input, message: problem }] : []);
    ctx.setTitle(`${problem ? 'Error: ' : ''}${name} \u2013 Administration`);
    if (problem) return;
    if (!suspending) {
      send(submit);
      return;
    }
    // Suspend: one more step.
    const question = h('h3', { class: 'nhsuk-card__heading', tabindex: '-1', id: 'access-question', text: `Suspend ${name}?` });
    const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'button', id: 'access-confirm-yes', text: 'Yes, suspend the account' });
    const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'access-confirm-cancel', text: 'Cancel' });
    yes.addEventListener('click', () => {
      no.disabled = true;
      send(yes);
    });
    no.addEventListener('click', () => {
      confirmArea.replaceChildren();
      submit.hidden = false;
      submit.focus();
    });
    submit.hidden = true;
    confirmArea.replaceChildren(
      h(
        'div',
        { class: 'nhsuk-card nhsuk-card--warning' },
        h(
          'div',
          { class: 'nhsuk-card__content' },
          question,
          h('p', { text: 'They will be signed out on every device and will not be able to sign in until the account is restored.' }),
          h('div', { class: 'nhsuk-button-group' }, yes, no),
        ),
      ),
    );
    question.focus();
  });
  return section;
}

/** A role select and Save button for each community. */
function rolesSection(page, session, user, list) {
  const { ctx } = page;
  const section = h('div', { id: 'user-roles' }, h('h2', { class: 'nhsuk-heading-m', text: 'Roles' }), h('p', { text: 'A person has one role in each community. Staff roles need two-step sign-in.' }));
  list.forEach((m, i) => {
    const id = `role-${i + 1}`;
    const options = ROLES.map((r) => ({ value: r, label: roleTitle(r) }));
    if (!ROLES.includes(m.role)) options.unshift({ value: m.role, label: roleTitle(m.role) });
    const field = selectField({ id, label: `Role in ${m.name}`, options, selected: m.role });
    const save = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', 'data-network': m.slug }, 'Save', h('span', { class: 'nhsuk-u-visually-hidden', text: ` role in ${m.name}` }));
    const result = h('p', { class: 'harbour-list-status', role: 'status', id: `${id}-status` });
    const form = h('form', { novalidate: true, class: 'harbour-role-form', 'data-network': m.slug }, field.group, save, result);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      field.setError(null);
      result.textContent = '';
      busy(save, true, 'Saving\u2026');
      try {
        await request('PUT', `/admin/users/${encodeURIComponent(String(user.id))}/memberships/${encodeURIComponent(m.slug)}`, { body: { role: field.value() } });
        if (ctx.signal.aborted) return;
        m.role = field.value();
        result.textContent = `Saved. ${str(user.pseudonym)} is now ${roleTitle(m.role).toLowerCase()} in ${m.name}.`;
      } catch (err) {
        if (ctx.signal.aborted) return;
        if (err instanceof ApiError && err.code === 'second_factor_required') {
          showLoadProblem(page, err, '');
          return;
        }
        field.setError(err?.message || 'We could not change the role. Please try again.');
        page.summary.show([{ field: field.input, message: err?.message || 'We could not change the role. Please try again.' }]);
      } finally {
        busy(save, false);
      }
    });
    section.append(form);
  });
  return section;
}


// /admin/office-hours?network=<slug>: when a community's moderators are there (the week, in the
// community's own time zone), the days it is closed, and the rota of who is on shift.
// Administrators only.
import { ApiError, deleteJson, getJson, postJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy, errorSummary } from '../forms.js';
import { officeStatusInset } from '../office-status.js';
import { adminNav, loadingLine, showLoadProblem, str, whenAdmin } from './admin-common.js';
import { adminNetwork, networkChooser } from './admin-network.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const ROWS_PER_DAY = 4;
const TIME_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;
const STAFF_ROLES = { volunteer: 'Volunteer', peer_supporter: 'Peer supporter', clinician: 'Clinician' };

export const adminOfficeHoursPage = {
  title: 'Office hours and rota',
  render(main, ctx) {
    const caption = h('span', { class: 'nhsuk-caption-l', id: 'hours-community' });
    const heading = h('h1', { text: 'Office hours and rota' });
    const summary = errorSummary();
    const area = h('div');
    main.append(h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-two-thirds' }, summary.element, adminNav('/admin/office-hours'), caption, heading, area)));
    const page = { area, heading, ctx, summary, caption };
    whenAdmin(page, (session) => start(page, session));
  },
};

function start(page, session) {
  const { ctx, area, caption } = page;
  const network = adminNetwork(session, ctx.url);
  const named = (name) => {
    caption.textContent = `Community: ${name || network.slug}`;
    ctx.setTitle(`Office hours and rota: ${name || network.slug} \u2013 Administration`);
  };
  named(network.name);
  const chooser = networkChooser({ ctx, session, path: '/admin/office-hours', network, onName: named });
  const body = h('div', { id: 'hours-area' }, loadingLine('Loading the office hours\u2026'));
  setChildren(area, chooser, body);
  const base = `/networks/${encodeURIComponent(network.slug)}`;
  Promise.all([
    getJson(`${base}/office-hours?closures=all`, { signal: ctx.signal }),
    getJson(`${base}/rota`, { signal: ctx.signal }),
    getJson(`/admin/users?network=${encodeURIComponent(network.slug)}`, { signal: ctx.signal }),
  ])
    .then(([hours, rota, users]) => {
      if (ctx.signal.aborted) return;
      const staff = (Array.isArray(users?.users) ? users.users : [])
        .map((u) => ({ u, m: (u?.memberships || []).find((m) => m?.network?.slug === network.slug && m.active !== false) }))
        .filter(({ u, m }) => Number.isSafeInteger(u?.id) && u.status === 'active' && m && Object.hasOwn(STAFF_ROLES, m.role))
        .map(({ u, m }) => ({ id: u.id, pseudonym: str(u.pseudonym), role: m.role }));
      setChildren(
        body,
        h('div', { id: 'hours-status' }, officeStatusInset(hours?.status)),
        h('p', { class: 'nhsuk-body-s', text: `Times are in the community\u2019s time zone: ${str(hours?.status?.time_zone) || 'Europe/London'}.` }),
        hoursForm(page, base, hours),
        rotaSection(page, base, Array.isArray(rota?.shifts) ? rota.shifts : [], staff),
      );
    })
    .catch((err) => {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && err.code === 'network_not_found') {
        setChildren(body, h('p', { text: `There is no community called \u201c${network.slug}\u201d. Choose another one above.` }));
        return;
      }
      showLoadProblem({ ...page, area: body }, err, 'the office hours');
    });
}

function failed(page, err, fallback, control) {
  if (err instanceof ApiError && (err.code === 'second_factor_required' || err.status === 401 || err.status === 403)) {
    showLoadProblem(page, err, '');
    return;
  }
  page.summary.show([{ field: control || null, message: err?.message || fallback }]);
  page.ctx.setTitle('Error: Office hours and rota \u2013 Administration');
}

function reload(page) {
  page.ctx.navigate(page.ctx.url.pathname + page.ctx.url.search, { force: true, replace: true });
}

// ---------------------------------------------------------------------------------------
// The week and the closures: one form, saved together (PUT replaces both).

function timeInput(id, label, value) {
  return h(
    'div',
    { class: 'nhsuk-form-group harbour-hours__time' },
    h('label', { class: 'nhsuk-label', for: id, text: label }),
    h('input', { class: 'nhsuk-input nhsuk-input--width-10', id, name: id, type: 'time', value: value || '' }),
  );
}

function hoursForm(page, base, hours) {
  const week = Array.isArray(hours?.week) ? hours.week : [];
  let serial = 0;
  const dayLists = DAYS.map((name, i) => {
    const list = h('div', { class: 'harbour-hours__rows', 'data-weekday': String(i + 1) });
    const closedNote = h('p', { class: 'nhsuk-body-s harbour-hours__closed', text: 'Closed all day unless you add times.' });
    const add = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Add opening times', h('span', { class: 'nhsuk-u-visually-hidden', text: ` on ${name}` }));
    const addRow = (opens, closes) => {
      serial += 1;
      const id = `hours-${i + 1}-${serial}`;
      const remove = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Remove', h('span', { class: 'nhsuk-u-visually-hidden', text: ` these ${name} times` }));
      const row = h('div', { class: 'harbour-hours__row' }, timeInput(`${id}-opens`, 'Opens', opens), timeInput(`${id}-closes`, 'Closes', closes), remove);
      remove.addEventListener('click', () => {
        row.remove();
        add.hidden = false;
        closedNote.hidden = list.children.length > 0;
        add.focus();
      });
      list.append(row);
      add.hidden = list.children.length >= ROWS_PER_DAY;
      closedNote.hidden = true;
      return row;
    };
    for (const w of week.filter((x) => x?.weekday === i + 1)) addRow(str(w.opens), str(w.closes));
    add.addEventListener('click', () => addRow('', '').querySelector('input')?.focus());
    return h('fieldset', { class: 'nhsuk-fieldset harbour-hours__day' }, h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', text: name }), closedNote, list, add);
  });

  const closures = h('div', { id: 'closure-rows' });
  const addClosure = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'add-closure', text: 'Add a closure' });
  const closureRow = (day, reason) => {
    serial += 1;
    const id = `closure-${serial}`;
    const remove = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Remove', h('span', { class: 'nhsuk-u-visually-hidden', text: ' this closure' }));
    const row = h(
      'div',
      { class: 'harbour-hours__row harbour-closure' },
      h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: `${id}-day`, text: 'Date' }), h('input', { class: 'nhsuk-input nhsuk-input--width-10', id: `${id}-day`, type: 'date', value: day || '' })),
      h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: `${id}-reason`, text: 'Reason (optional)' }), h('input', { class: 'nhsuk-input nhsuk-input--width-20', id: `${id}-reason`, type: 'text', maxlength: '200', value: reason || '' })),
      remove,
    );
    remove.addEventListener('click', () => {
      row.remove();
      addClosure.focus();
    });
    closures.append(row);
    return row;
  };
  for (const c of Array.isArray(hours?.closures) ? hours.closures : []) closureRow(str(c?.day), str(c?.reason));
  addClosure.addEventListener('click', () => closureRow('', '').querySelector('input')?.focus());

  const save = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Save office hours and closures' });
  const form = h(
    'form',
    { novalidate: true, id: 'hours-form' },
    h('h2', { class: 'nhsuk-heading-m', text: 'Weekly hours' }),
    h('p', { text: 'When moderators are there to read posts. Outside these hours, members\u2019 posts wait for the next shift and members see when people are back.' }),
    dayLists,
    h('h2', { class: 'nhsuk-heading-m', text: 'Closures' }),
    h('p', { text: 'Days the service is closed although the week says open, such as bank holidays.' }),
    closures,
    addClosure,
    h('div', {}, save),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    page.summary.show([]);
    const weekBody = [];
    for (const list of form.querySelectorAll('.harbour-hours__rows')) {
      for (const row of list.children) {
        const [opens, closes] = row.querySelectorAll('input');
        if (!TIME_RE.test(opens.value) || !(TIME_RE.test(closes.value) || closes.value === '24:00')) {
          failed(page, null, `Enter both times for ${DAYS[Number(list.dataset.weekday) - 1]}, for example 09:00 and 17:00`, TIME_RE.test(opens.value) ? closes : opens);
          return;
        }
        weekBody.push({ weekday: Number(list.dataset.weekday), opens: opens.value, closes: closes.value });
      }
    }
    const closureBody = [];
    for (const row of closures.children) {
      const [day, reason] = row.querySelectorAll('input');
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day.value)) {
        failed(page, null, 'Enter the date of each closure', day);
        return;
      }
      closureBody.push({ day: day.value, reason: reason.value.trim() });
    }
    busy(save, true, 'Saving\u2026');
    try {
      await request('PUT', `${base}/office-hours`, { body: { week: weekBody, closures: closureBody } });
      reload(page);
    } catch (err) {
      failed(page, err, 'We could not save the office hours. Please try again.');
    } finally {
      busy(save, false);
    }
  });
  return form;
}

// ---------------------------------------------------------------------------------------
// The rota

const SHIFT_TIME = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

function when(value) {
  const d = new Date(str(value));
  return Number.isNaN(d.getTime()) ? '' : SHIFT_TIME.format(d);
}

function rotaSection(page, base, shifts, staff) {
  const rows = shifts
    .filter((s) => s && Number.isSafeInteger(s.id))
    .map((s) => {
      const remove = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Remove', h('span', { class: 'nhsuk-u-visually-hidden', text: ` the shift of ${str(s.user?.pseudonym)}` }));
      remove.addEventListener('click', async () => {
        busy(remove, true, 'Removing\u2026');
        try {
          await deleteJson(`/rota/${s.id}`);
          reload(page);
        } catch (err) {
          busy(remove, false);
          failed(page, err, 'We could not remove the shift. Please try again.');
        }
      });
      return h(
        'tr',
        { class: 'nhsuk-table__row', 'data-shift-id': String(s.id) },
        h('td', { class: 'nhsuk-table__cell', text: str(s.user?.pseudonym) }),
        h('td', { class: 'nhsuk-table__cell', text: STAFF_ROLES[s.user?.role] || str(s.user?.role) }),
        h('td', { class: 'nhsuk-table__cell', text: when(s.starts_at) }),
        h('td', { class: 'nhsuk-table__cell', text: when(s.ends_at) }),
        h('td', { class: 'nhsuk-table__cell' }, remove),
      );
    });
  const table = rows.length
    ? h(
        'table',
        { class: 'nhsuk-table', id: 'rota-table' },
        h('caption', { class: 'nhsuk-table__caption', text: 'Shifts from yesterday to two weeks ahead' }),
        h('thead', { class: 'nhsuk-table__head' }, h('tr', { class: 'nhsuk-table__row' }, ['Person', 'Role', 'Starts', 'Ends', 'Action'].map((t) => h('th', { class: 'nhsuk-table__header', scope: 'col', text: t })))),
        h('tbody', { class: 'nhsuk-table__body' }, rows),
      )
    : h('p', { id: 'rota-empty', text: 'Nobody is on the rota for the next two weeks.' });

  const person = h(
    'select',
    { class: 'nhsuk-select', id: 'shift-person', name: 'shift-person' },
    h('option', { value: '', text: 'Choose a person' }),
    staff.map((p) => h('option', { value: String(p.id), text: `${p.pseudonym} (${STAFF_ROLES[p.role]})` })),
  );
  const field = (id, label) =>
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: id, text: label }), h('input', { class: 'nhsuk-input nhsuk-input--width-20', id, name: id, type: 'datetime-local' }));
  const add = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Add shift' });
  const form = h(
    'form',
    { novalidate: true, id: 'rota-form' },
    h('h3', { class: 'nhsuk-heading-s', text: 'Add a shift' }),
    h('p', { class: 'nhsuk-body-s', text: 'Times on the rota are in this device\u2019s time. A shift is at most 24 hours.' }),
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: 'shift-person', text: 'Who' }), person),
    field('shift-starts', 'Starts'),
    field('shift-ends', 'Ends'),
    add,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    page.summary.show([]);
    const starts = form.querySelector('#shift-starts');
    const ends = form.querySelector('#shift-ends');
    if (!person.value) return failed(page, null, 'Choose who is on shift', person);
    const from = new Date(starts.value);
    const to = new Date(ends.value);
    if (Number.isNaN(from.getTime())) return failed(page, null, 'Enter when the shift starts', starts);
    if (Number.isNaN(to.getTime())) return failed(page, null, 'Enter when the shift ends', ends);
    busy(add, true, 'Adding\u2026');
    try {
      await postJson(`${base}/rota`, { user_id: Number(person.value), starts_at: from.toISOString(), ends_at: to.toISOString() });
      reload(page);
    } catch (err) {
      failed(page, err, 'We could not add the shift. Please try again.');
    } finally {
      busy(add, false);
    }
    return undefined;
  });
  return h('section', { id: 'rota' }, h('h2', { class: 'nhsuk-heading-m', text: 'Rota' }), table, staff.length ? form : h('p', { text: 'This community has no volunteers, peer supporters or clinicians yet.' }));
}

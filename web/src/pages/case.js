// /cases/item?id=<n>: one safeguarding case. What it is (member, urgency, status, deadline,
// owner), what the member wrote, what has happened so far, and the next steps as forms: the
// steps a clinician takes (acknowledge, record contact, assign, close with an outcome, reopen)
// and notes, including handover notes for the next shift, that any staff member can add.
import { ApiError, getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy, selectField, singleCheckbox, successBanner, textareaField } from '../forms.js';
import { rememberNetwork } from '../networks.js';
import { formatDateTime, textBlocks } from './common.js';
import { breadcrumbs, int, list, renderPost, str } from '../post-view.js';
import { overdueTag, stateTagOf, tierTag } from './cases.js';
import { idParam, loadingLine, showProblem, startPage, withNetwork } from './content-common.js';

const EVENT_WORDS = { note: 'Note', handover: 'Handover note', state: 'Status', owner: 'Owner' };

export const casePage = {
  title: 'Safeguarding case',
  render(main, ctx) {
    const banner = h('div', { id: 'case-banner' });
    const page = startPage(main, ctx, { title: 'Safeguarding case', wideLayout: true, before: [banner] });
    page.banner = banner;
    const id = idParam(ctx.url);
    withNetwork(page, (session) => {
      if (!id) {
        showProblem(page, new ApiError('not_found', '', 404), { what: 'this case', notFoundTitle: 'Case not found', back: { href: '/cases', text: 'All cases' } });
        return;
      }
      page.area.replaceChildren(loadingLine('Loading the case\u2026'));
      getJson(`/cases/${id}`, { signal: ctx.signal })
        .then((data) => show(page, session, data?.case))
        .catch((err) => showProblem(page, err, { what: 'this case', notFoundTitle: 'Case not found', back: { href: '/cases', text: 'All cases' } }));
    });
  },
};

function show(page, session, k) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted || !k) return;
  const id = int(k.id);
  const network = str(k.network);
  rememberNetwork(network);
  const title = `Case ${id}: ${str(k.member?.pseudonym) || 'a member'}`;
  heading.textContent = title;
  ctx.setTitle(title);
  const back = `/cases?network=${encodeURIComponent(network)}`;
  page.top.querySelector('.nhsuk-breadcrumb')?.remove();
  page.top.prepend(breadcrumbs([{ href: back, text: 'Safeguarding cases' }]));
  setChildren(
    area,
    summaryList(k),
    postSection(session, k),
    timeline(k),
    actions(page, session, k),
  );
}

function row(key, ...value) {
  return h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key', text: key }), h('dd', { class: 'nhsuk-summary-list__value' }, ...value));
}

function when(value) {
  const text = formatDateTime(value);
  return text ? h('time', { datetime: str(value), text }) : 'Not yet';
}

function summaryList(k) {
  const others = int(k.member_recent_cases) ?? 0;
  return h(
    'dl',
    { class: 'nhsuk-summary-list', id: 'case-summary' },
    row('Member', str(k.member?.pseudonym) || 'Unknown'),
    row('Urgency', tierTag(k.tier)),
    row('Status', h('span', { id: 'case-state' }, stateTagOf(k.state)), k.overdue === true ? [' ', overdueTag()] : null),
    row('Respond by', when(k.due_at)),
    row('Opened', when(k.opened_at)),
    row('Owner', h('span', { id: 'case-owner', text: str(k.owner?.pseudonym) || 'Nobody yet' })),
    str(k.matched) ? row('Words that matched', h('mark', { text: k.matched })) : null,
    row('Other cases for this member', others === 0 ? 'None in the last 90 days' : `${others} in the last 90 days`),
    k.state === 'closed' ? row('Closed', when(k.closed_at)) : null,
    k.state === 'closed' && str(k.outcome) ? row('Outcome', h('div', { id: 'case-outcome' }, textBlocks(k.outcome))) : null,
  );
}

function postSection(session, k) {
  if (!k.post || typeof k.post !== 'object') {
    return h('section', { 'aria-labelledby': 'case-post-heading' }, h('h2', { class: 'nhsuk-heading-m', id: 'case-post-heading', text: 'What they wrote' }), h('p', { text: 'This case was opened by a member of staff, not from a post.' }));
  }
  return h(
    'section',
    { 'aria-labelledby': 'case-post-heading', class: 'harbour-queue-item__post' },
    h('h2', { class: 'nhsuk-heading-m', id: 'case-post-heading', text: 'What they wrote' }),
    renderPost(k.post, { session, heading: 'h3', showTitle: true, editable: false }),
  );
}

function timeline(k) {
  const events = list(k.events);
  return h(
    'section',
    { 'aria-labelledby': 'case-events-heading' },
    h('h2', { class: 'nhsuk-heading-m', id: 'case-events-heading', text: 'What has happened' }),
    events.length
      ? h(
          'ol',
          { class: 'nhsuk-list harbour-case-events', id: 'case-events' },
          events.map((e) =>
            h(
              'li',
              { class: `harbour-case-event harbour-case-event--${str(e.kind)}`, 'data-kind': str(e.kind) },
              h('p', { class: 'nhsuk-body-s nhsuk-u-margin-bottom-1' }, h('strong', { text: EVENT_WORDS[e.kind] || 'Event' }), ` \u00b7 ${str(e.author?.pseudonym) || 'Harbour'} \u00b7 `, when(e.created_at)),
              h('div', { class: 'harbour-case-event__body' }, textBlocks(e.body)),
            ),
          ),
        )
      : h('p', { id: 'case-events-empty', text: 'Nothing yet. The case was opened automatically from the post above.' }),
  );
}

/** A form with one textarea (checked for length before sending) and a button. */
function textForm(o) {
  const field = textareaField({ id: o.id, label: o.label, hint: o.hint, rows: o.rows || 3 });
  const extra = o.extra || null;
  const button = h('button', { class: `nhsuk-button${o.secondary ? ' nhsuk-button--secondary' : ''}`, type: 'submit', id: `${o.id}-submit`, text: o.button });
  const form = h('form', { novalidate: true, class: 'harbour-case-action', id: `${o.id}-form` }, field.group, extra?.group, button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = field.value().trim();
    const n = [...text].length;
    const message = n < o.min ? o.tooShort : n > o.max ? `This must be ${o.max} characters or fewer` : null;
    field.setError(message);
    if (message) {
      field.input.focus();
      return;
    }
    o.send(button, text, extra);
  });
  return form;
}

function actions(page, session, k) {
  const id = int(k.id);
  const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert', id: 'case-problem' });
  const send = async (button, path, body, done) => {
    problem.textContent = '';
    busy(button, true, 'Saving\u2026');
    try {
      const reply = await postJson(path, body);
      show(page, session, reply?.case);
      page.banner.replaceChildren(successBanner({ heading: done, id: 'case-done' }));
      page.banner.querySelector('.nhsuk-notification-banner')?.setAttribute('tabindex', '-1');
      page.banner.querySelector('.nhsuk-notification-banner')?.focus();
    } catch (err) {
      busy(button, false);
      if (err instanceof ApiError && err.code === 'invalid_transition') {
        problem.textContent = `${err.message} `;
        problem.append(h('a', { href: `/cases/item?id=${id}`, 'data-router': 'off', text: 'Reload the case' }));
        return;
      }
      problem.textContent = err?.message || 'We could not save that. Please try again.';
    }
  };

  const forms = [];
  const state = str(k.state);
  if (k.can_act === true && state === 'open') {
    const button = h('button', { class: 'nhsuk-button', type: 'submit', id: 'case-acknowledge-submit', text: 'Acknowledge this case' });
    const form = h(
      'form',
      { novalidate: true, class: 'harbour-case-action', id: 'case-acknowledge-form' },
      h('p', { text: 'Acknowledging tells the team you are dealing with it. If nobody owns the case yet, you become its owner.' }),
      button,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(button, `/cases/${id}/acknowledge`, {}, 'Case acknowledged.');
    });
    forms.push(section('case-acknowledge', 'Acknowledge', form));
  }
  if (k.can_act === true && state === 'acknowledged') {
    forms.push(
      section(
        'case-contacted',
        'Record contact',
        textForm({
          id: 'case-contacted-note',
          label: 'How did you make contact?',
          hint: 'For example: phoned, spoke with her, safe tonight, GP informed.',
          button: 'Record contact',
          min: 3,
          max: 2000,
          tooShort: 'Say how you made contact, in at least 3 characters',
          send: (button, text) => send(button, `/cases/${id}/contacted`, { note: text }, 'Contact recorded.'),
        }),
      ),
    );
  }
  if (k.can_close === true && (state === 'acknowledged' || state === 'contacted')) {
    forms.push(
      section(
        'case-close',
        'Close the case',
        textForm({
          id: 'case-outcome',
          label: 'Outcome',
          hint: 'What was decided and what happens next. Only clinicians can close a risk case.',
          button: 'Close the case',
          rows: 4,
          min: 3,
          max: 2000,
          tooShort: 'Describe the outcome in at least 3 characters',
          send: (button, text) => send(button, `/cases/${id}/close`, { outcome: text }, 'Case closed.'),
        }),
      ),
    );
  }
  if (k.can_act === true && state === 'closed') {
    forms.push(
      section(
        'case-reopen',
        'Reopen the case',
        textForm({
          id: 'case-reopen-reason',
          label: 'Why does it need reopening?',
          hint: 'It gets a new response deadline. Kept in the audit log.',
          button: 'Reopen the case',
          secondary: true,
          min: 3,
          max: 500,
          tooShort: 'Give a reason of at least 3 characters',
          send: (button, text) => send(button, `/cases/${id}/reopen`, { reason: text }, 'Case reopened.'),
        }),
      ),
    );
  }
  const handover = singleCheckbox({ id: 'case-note-handover', legend: 'Handover', label: 'This is a handover note for the next shift', legendClass: 'nhsuk-fieldset__legend--s' });
  forms.push(
    section(
      'case-note',
      'Add a note',
      textForm({
        id: 'case-note-body',
        label: 'Note',
        hint: 'Seen by staff only, never by the member.',
        button: 'Add the note',
        secondary: true,
        rows: 4,
        min: 1,
        max: 4000,
        tooShort: 'Enter a note',
        extra: handover,
        send: (button, text, extra) => {
          const isHandover = extra.value() === 'yes';
          send(button, `/cases/${id}/note`, { body: text, handover: isHandover }, isHandover ? 'Handover note added.' : 'Note added.');
        },
      }),
    ),
  );
  if (k.can_act === true && state !== 'closed') forms.push(assignSection(id, k, session, send));

  return h(
    'section',
    { 'aria-labelledby': 'case-actions-heading', id: 'case-actions' },
    h('h2', { class: 'nhsuk-heading-l', id: 'case-actions-heading', text: 'Next steps' }),
    k.can_act === true ? null : h('p', { text: 'A clinician acknowledges, contacts and closes this case. You can add a note for them.' }),
    problem,
    forms,
  );
}

function section(id, title, ...content) {
  return h('section', { 'aria-labelledby': `${id}-heading`, class: 'harbour-case-section' }, h('h3', { class: 'nhsuk-heading-m', id: `${id}-heading`, text: title }), ...content);
}

/** Assign to a clinician: the caller (a clinician) and the clinicians on the rota. */
function assignSection(id, k, session, send) {
  const me = session?.user;
  const network = str(k.network);
  const mine = (session?.memberships || []).some((m) => m.active && m.network?.slug === network && m.role === 'clinician');
  const options = new Map();
  if (mine && me) options.set(me.id, `${me.pseudonym} (you)`);
  const field = selectField({ id: 'case-assign-owner', label: 'Clinician', hint: 'You, or a clinician on the rota.', options: [...options].map(([value, label]) => ({ value: String(value), label })) });
  const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', id: 'case-assign-submit', text: 'Assign' });
  const form = h('form', { novalidate: true, class: 'harbour-case-action', id: 'case-assign-form' }, field.group, button);
  const fill = () => {
    field.input.replaceChildren(...[...options].map(([value, label]) => h('option', { value: String(value), selected: int(k.owner?.id) === value, text: label })));
    form.hidden = options.size === 0;
  };
  fill();
  getJson(`/networks/${encodeURIComponent(network)}/rota`)
    .then((data) => {
      for (const s of list(data?.shifts)) {
        const u = s?.user;
        if (u?.role === 'clinician' && Number.isSafeInteger(u.id) && !options.has(u.id)) options.set(u.id, str(u.pseudonym));
      }
      fill();
    })
    .catch(() => {}); // the rota is a convenience: "you" still works without it
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const owner = Number(field.value());
    if (!Number.isSafeInteger(owner) || owner < 1) return;
    send(button, `/cases/${id}/assign`, { owner_id: owner }, 'Owner changed.');
  });
  return section('case-assign', 'Assign', form);
}


// /admin/spaces?network=<slug>: the forum spaces (categories) of a community, in order, each with
// who may read it, who may post in it and how many topics it has; a form to change each one and
// one to add a space. Administrators only.
import { ApiError, getJson, postJson, request } from '../api.js';
import { h, insetText, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy, errorSummary, textareaField, textField } from '../forms.js';
import { adminNav, loadingLine, showLoadProblem, str, whenAdmin } from './admin-common.js';
import { adminNetwork, networkChooser, rolesInWords, SPACE_ROLES } from './admin-network.js';

const NAME_MAX = 80;
const DESCRIPTION_MAX = 500;
const POSITION_MIN = -10000;
const POSITION_MAX = 10000;
const STAFF_NOTE = 'Staff always read and moderate every space.';

function column(...children) {
  return h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-two-thirds' }, ...children));
}

export const adminSpacesPage = {
  title: 'Forum spaces',
  render(main, ctx) {
    const caption = h('span', { class: 'nhsuk-caption-l', id: 'spaces-community' });
    const heading = h('h1', { text: 'Forum spaces' });
    const summary = errorSummary();
    const area = h('div');
    const flash = takeFlashBanner();
    main.append(column(flash, summary.element, adminNav('/admin/spaces'), caption, heading, area));
    const page = { area, heading, ctx, summary, caption, flash };
    whenAdmin(page, (session) => start(page, session));
  },
};

function start(page, session) {
  const { ctx, area, caption } = page;
  const network = adminNetwork(session, ctx.url);
  const named = (name) => {
    caption.textContent = `Community: ${name || network.slug}`;
    ctx.setTitle(`Forum spaces: ${name || network.slug} \u2013 Administration`);
  };
  named(network.name);
  const chooser = networkChooser({ ctx, session, path: '/admin/spaces', network, onName: named });
  const body = h('div', { id: 'spaces-area' }, loadingLine('Loading the spaces\u2026'));
  setChildren(area, chooser, body);
  getJson(`/networks/${encodeURIComponent(network.slug)}/categories`, { signal: ctx.signal })
    .then((data) => {
      if (ctx.signal.aborted) return;
      const spaces = (Array.isArray(data?.categories) ? data.categories : []).filter((c) => c && typeof c === 'object' && Number.isSafeInteger(c.id));
      spaces.sort((a, b) => (a.position ?? 0) - (b.position ?? 0) || a.id - b.id);
      showSpaces(page, network, body, spaces);
    })
    .catch((err) => {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && err.code === 'network_not_found') {
        setChildren(body, h('p', { id: 'spaces-problem', text: `There is no community called \u201c${network.slug}\u201d. Choose another one above.` }));
        return;
      }
      showLoadProblem({ ...page, area: body }, err, 'the spaces');
    });
}

function showSpaces(page, network, body, spaces) {
  const intro = [
    h('p', { text: 'Spaces are the areas of a community\u2019s forum. Each space says who can read it and who can start topics and reply.' }),
    insetText(h('p', { text: `${STAFF_NOTE} Volunteers, peer supporters and clinicians see every space, whatever is ticked.` })),
  ];
  const list = spaces.length
    ? h('ol', { class: 'nhsuk-list', id: 'spaces' }, spaces.map((c) => h('li', {}, spaceCard(page, c))))
    : h('p', { id: 'spaces', text: 'This community has no spaces yet. Add the first one below.' });
  const nextPosition = spaces.length ? Math.min(POSITION_MAX, Math.max(...spaces.map((c) => (Number.isSafeInteger(c.position) ? c.position : 0))) + 1) : 1;
  const add = h(
    'div',
    { id: 'add-space' },
    h('h2', { class: 'nhsuk-heading-m', id: 'add-space-heading', text: 'Add a space' }),
    spaceForm(page, { prefix: 'new-space', network, space: null, position: nextPosition }),
  );
  setChildren(body, ...intro, h('h2', { class: 'nhsuk-heading-m', text: 'Spaces, in the order members see them' }), list, add);
}

function summaryRow(key, value) {
  return h(
    'div',
    { class: 'nhsuk-summary-list__row' },
    h('dt', { class: 'nhsuk-summary-list__key', text: key }),
    h('dd', { class: 'nhsuk-summary-list__value', text: value }),
  );
}

function spaceCard(page, c) {
  const name = str(c.name) || 'Unnamed space';
  const topics = Number.isSafeInteger(c.topic_count) ? c.topic_count : 0;
  const read = Array.isArray(c.audience?.read) ? c.audience.read : [];
  const post = Array.isArray(c.audience?.post) ? c.audience.post : [];
  const prefix = `space-${c.id}`;
  return h(
    'div',
    { class: 'nhsuk-card harbour-admin-space', id: prefix, 'data-category-id': String(c.id) },
    h(
      'div',
      { class: 'nhsuk-card__content' },
      h('h3', { class: 'nhsuk-card__heading nhsuk-heading-m', text: name }),
      h('p', { class: 'nhsuk-card__description', text: str(c.description) || 'No description.' }),
      h(
        'dl',
        { class: 'nhsuk-summary-list' },
        summaryRow('Who can read', rolesInWords(read)),
        summaryRow('Who can post', post.length ? rolesInWords(post) : 'Only staff'),
        summaryRow('Topics', String(topics)),
        summaryRow('Position', String(Number.isSafeInteger(c.position) ? c.position : 0)),
      ),
      h(
        'details',
        { class: 'nhsuk-details nhsuk-u-margin-bottom-0', id: `${prefix}-change` },
        h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text' }, 'Change ', h('span', { text: name }))),
        h('div', { class: 'nhsuk-details__text' }, spaceForm(page, { prefix, network: null, space: c })),
      ),
    ),
  );
}

/** Checkboxes for roles (who reads, who posts). */
function rolesField({ id, legend, hint, checked }) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const legendEl = h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', text: legend });
  const hintEl = h('div', { class: 'nhsuk-hint', id: hintId, text: hint });
  const inputs = SPACE_ROLES.map((r, i) =>
    h('input', { class: 'nhsuk-checkboxes__input', id: i === 0 ? id : `${id}-${r.value}`, name: id, type: 'checkbox', value: r.value, checked: checked.includes(r.value) }),
  );
  const fieldset = h(
    'fieldset',
    { class: 'nhsuk-fieldset', 'aria-describedby': hintId },
    legendEl,
    hintEl,
    h(
      'div',
      { class: 'nhsuk-checkboxes nhsuk-checkboxes--small' },
      inputs.map((input, i) => h('div', { class: 'nhsuk-checkboxes__item' }, input, h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: input.id, text: SPACE_ROLES[i].label }))),
    ),
  );
  const group = h('div', { class: 'nhsuk-form-group' }, fieldset);
  let shown = null;
  const setError = (message) => {
    shown?.remove();
    shown = null;
    group.classList.toggle('nhsuk-form-group--error', Boolean(message));
    if (message) {
      shown = h('span', { class: 'nhsuk-error-message', id: errorId }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
      hintEl.after(shown);
    }
    fieldset.setAttribute('aria-describedby', message ? `${hintId} ${errorId}` : hintId);
  };
  return { group, input: inputs[0], setError, value: () => inputs.filter((i) => i.checked).map((i) => i.value) };
}

/** The field an API error is about, from its code and the 'field' its message starts with. */
function fieldOf(err, fields) {
  if (!(err instanceof ApiError)) return null;
  if (err.code === 'category_exists') return fields.name;
  if (err.code === 'invalid_audience') return /post/i.test(err.message) ? fields.post : fields.read;
  const quoted = /^'([a-z_]+)'/.exec(err.message || '');
  return quoted && Object.hasOwn(fields, quoted[1]) ? fields[quoted[1]] : null;
}

/**
 * The form to add a space (space null: POST to the network) or change one (PATCH the category).
 * Ids start with `prefix`, so every form on the page has its own.
 */
function spaceForm(page, { prefix, network, space, position = 0 }) {
  const { ctx, summary } = page;
  const adding = space === null;
  const nameField = textField({ id: `${prefix}-name`, label: 'Name', hint: adding ? 'For example \u201cSleep and routines\u201d.' : null, attrs: { maxlength: String(NAME_MAX) }, value: adding ? '' : str(space.name) });
  const description = textareaField({ id: `${prefix}-description`, label: 'Description', hint: `What the space is for, in a sentence. Up to ${DESCRIPTION_MAX} characters.`, rows: 3 });
  if (!adding) description.input.value = str(space.description);
  const positionField = textField({
    id: `${prefix}-position`,
    label: 'Position',
    hint: 'Spaces are listed from the lowest number to the highest.',
    width: 4,
    attrs: { inputmode: 'numeric', maxlength: '6' },
    value: String(adding ? position : Number.isSafeInteger(space.position) ? space.position : 0),
  });
  const read = rolesField({
    id: `${prefix}-read`,
    legend: 'Who can read this space',
    hint: STAFF_NOTE,
    checked: adding ? ['member', 'carer', 'volunteer', 'peer_supporter', 'clinician'] : Array.isArray(space.audience?.read) ? space.audience.read : [],
  });
  const post = rolesField({
    id: `${prefix}-post`,
    legend: 'Who can start topics and reply',
    hint: 'Everyone who can post must also be able to read the space.',
    checked: adding ? ['member', 'carer', 'volunteer', 'peer_supporter', 'clinician'] : Array.isArray(space.audience?.post) ? space.audience.post : [],
  });
  const fields = { name: nameField, description, position: positionField, read, post };
  const submit = h('button', { class: 'nhsuk-button', type: 'submit' }, adding ? 'Add space' : 'Save changes', adding ? null : h('span', { class: 'nhsuk-u-visually-hidden', text: ` to ${str(space.name)}` }));
  const form = h('form', { novalidate: true, id: `${prefix}-form`, class: 'harbour-admin-space-form' }, nameField.group, description.group, positionField.group, read.group, post.group, submit);

  const problems = () => {
    const out = [];
    const name = nameField.value().trim();
    if (!name) out.push([nameField, 'Enter a name for the space']);
    else if ([...name].length > NAME_MAX) out.push([nameField, `The name must be ${NAME_MAX} characters or fewer`]);
    if ([...description.value().trim()].length > DESCRIPTION_MAX) out.push([description, `The description must be ${DESCRIPTION_MAX} characters or fewer`]);
    const p = positionField.value().trim();
    if (!/^-?[0-9]{1,5}$/.test(p) || Number(p) < POSITION_MIN || Number(p) > POSITION_MAX) {
      out.push([positionField, `Enter the position as a whole number from ${POSITION_MIN} to ${POSITION_MAX}`]);
    }
    const readers = read.value();
    if (readers.length === 0) out.push([read, 'Choose at least one group who can read this space']);
    const outside = post.value().filter((r) => !readers.includes(r));
    if (readers.length && outside.length) {
      out.push([post, `${rolesInWords(outside)} can post but cannot read: tick them under \u201cWho can read this space\u201d too, or untick them here`]);
    }
    return out;
  };
  const show = (list) => {
    for (const f of Object.values(fields)) f.setError(null);
    for (const [f, message] of list) f?.setError(message);
    // A banner about the last save next to a problem with this one would confuse.
    if (list.length) page.flash?.remove();
    summary.show(list.map(([f, message]) => ({ field: f ? f.input : null, message })));
    ctx.setTitle(`${list.length ? 'Error: ' : ''}Forum spaces \u2013 Administration`);
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const found = problems();
    show(found);
    if (found.length) return;
    const payload = {
      name: nameField.value().trim(),
      description: description.value().trim(),
      position: Number(positionField.value().trim()),
      read: read.value(),
      post: post.value(),
    };
    busy(submit, true, adding ? 'Adding\u2026' : 'Saving\u2026');
    try {
      if (adding) await postJson(`/networks/${encodeURIComponent(network.slug)}/categories`, payload);
      else await request('PATCH', `/categories/${encodeURIComponent(String(space.id))}`, { body: payload });
      if (ctx.signal.aborted) return;
      setFlash(adding ? `\u201c${payload.name}\u201d has been added.` : `\u201c${payload.name}\u201d has been saved.`, `It is open to: ${rolesInWords(payload.read)}.`);
      ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
    } catch (err) {
      if (ctx.signal.aborted) return;
      busy(submit, false);
      if (err instanceof ApiError && (err.code === 'second_factor_required' || err.status === 401 || err.status === 403)) {
        showLoadProblem(page, err, '');
        return;
      }
      const f = fieldOf(err, fields);
      show([[f, err?.message || 'We could not save the space. Please try again.']]);
    }
  });
  return form;
}

// /staff/invitations?network=<slug>: clinicians and admins create invitation links (shown
// once, with a copy button), see the invitations of the network, and revoke open ones.
import { ApiError, deleteJson, getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { carryFlash, takeFlashBanner } from '../flash.js';
import { busy, errorSummary, radiosField, selectField, textField } from '../forms.js';
import { invitingNetworks, refreshSession, roleTitle, withArticle, roleLabel } from '../session.js';
import { column, formatDateTime, loadingLine, secondFactorSteps, whenSignedIn } from './common.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;
// The network a new deployment starts with (as on the urgent help page). Administrators may
// have no membership anywhere, so without ?network= they start here.
const DEFAULT_NETWORK = 'default';
const NOTE_MAX = 500;

const ROLE_OPTIONS = [
  { value: 'member', label: 'Member', hint: 'Someone who has finished talking therapy with your service' },
  { value: 'carer', label: 'Carer or relative', hint: 'Someone who cares for, or is close to, a person who had therapy' },
  { value: 'volunteer', label: 'Volunteer', hint: 'Staff: helps moderate the community' },
  { value: 'peer_supporter', label: 'Peer supporter', hint: 'Staff: moderates and supports members' },
  { value: 'clinician', label: 'Clinician', hint: 'Staff: moderates, handles safeguarding concerns, and invites members and carers' },
  { value: 'admin', label: 'Administrator', hint: 'Looks after all of Harbour, including staff. Only invite people your service has agreed' },
];

const EXPIRY_OPTIONS = [
  { value: '24', label: '1 day' },
  { value: '72', label: '3 days' },
  { value: '168', label: '7 days' },
  { value: '336', label: '14 days' },
];

const STATE_TAGS = {
  open: { text: 'Open', class: 'nhsuk-tag--blue' },
  used: { text: 'Used', class: 'nhsuk-tag--green' },
  revoked: { text: 'Revoked', class: 'nhsuk-tag--grey' },
  expired: { text: 'Expired', class: 'nhsuk-tag--grey' },
};

const str = (v) => (typeof v === 'string' ? v.trim() : '');

export const staffInvitationsPage = {
  title: 'Invitations',
  render(main, ctx) {
    const heading = h('h1', { text: 'Invitations' });
    const summary = errorSummary();
    const area = h('div');
    main.append(column(takeFlashBanner(), summary.element, heading, area));
    whenSignedIn(ctx, area, (session) => start({ area, heading, summary, session, ctx }));
  },
};

function start({ area, heading, summary, session, ctx }) {
  const requested = ctx.url.searchParams.get('network');
  const inviting = invitingNetworks(session);

  if (!requested) {
    if (inviting.length === 1 || (inviting.length === 0 && session.user.is_admin)) {
      const slug = inviting.length === 1 ? inviting[0].network.slug : DEFAULT_NETWORK;
      carryFlash();
      ctx.navigate(`/staff/invitations?network=${encodeURIComponent(slug)}`, { replace: true });
      return;
    }
    if (inviting.length === 0) {
      showNotAllowed(area);
      return;
    }
    setChildren(
      area,
      h('p', { text: 'Choose the community you want to invite people to.' }),
      h(
        'ul',
        {},
        inviting.map((m) => h('li', {}, h('a', { href: `/staff/invitations?network=${encodeURIComponent(m.network.slug)}`, text: m.network.name }))),
      ),
    );
    return;
  }

  if (!SLUG_RE.test(requested)) {
    showNotFound(area);
    return;
  }
  const slug = requested;
  const membership = session.memberships.find((m) => m.network.slug === slug);
  const networkName = membership?.network.name || '';
  const title = networkName ? `Invite people to ${networkName}` : 'Invite people';
  heading.textContent = title;
  ctx.setTitle(title);

  const page = { area, heading, summary, session, ctx, slug, title };
  area.replaceChildren(loadingLine('Loading invitations\u2026'));
  getJson(`/networks/${encodeURIComponent(slug)}/invitations`, { signal: ctx.signal })
    .then((data) => {
      if (ctx.signal.aborted) return;
      showTools(page, data);
    })
    .catch((err) => {
      if (ctx.signal.aborted) return;
      showLoadProblem(page, err);
    });
}

function showNotAllowed(area, serverMessage) {
  setChildren(
    area,
    h('p', { class: 'nhsuk-lede-text', text: serverMessage || 'You cannot invite people to this community.' }),
    h('p', { text: 'Clinicians invite members and carers to their own community. Administrators invite staff.' }),
    h('p', {}, h('a', { href: '/account', text: 'Go to your account' })),
  );
}

function showNotFound(area) {
  setChildren(
    area,
    h('p', { class: 'nhsuk-lede-text', text: 'We could not find that community.' }),
    h('p', {}, 'Check the web address, or ', h('a', { href: '/account', text: 'go to your account' }), ' to see your communities.'),
  );
}

/** The server asked for the second step: ask the session again (it may be out of date), then explain. */
function showSecondFactorNeeded(page) {
  page.summary.show([]);
  refreshSession().then((state) => {
    if (page.ctx.signal.aborted) return;
    explainSecondFactor(page, state.session || page.session);
  });
}

function explainSecondFactor(page, session) {
  const sf = session.second_factor;
  const here = page.ctx.url.pathname + page.ctx.url.search;
  page.heading.textContent = 'You need two-step sign-in to use staff tools';
  page.ctx.setTitle('You need two-step sign-in to use staff tools');
  setChildren(
    page.area,
    h('p', {
      class: 'nhsuk-lede-text',
      text: 'Invitations are a staff tool. To keep members safe, staff confirm who they are with a second step when they sign in: a code from an app on their phone.',
    }),
    ...secondFactorSteps(sf, here),
    h('p', {}, h('a', { href: '/account', text: 'Go to your account' })),
  );
}

function showLoadProblem(page, err) {
  const code = err instanceof ApiError ? err.code : 'unreachable';
  if (code === 'second_factor_required') return showSecondFactorNeeded(page);
  if (code === 'not_allowed') return showNotAllowed(page.area, err.message);
  if (code === 'network_not_found') return showNotFound(page.area);
  if (code === 'sign_in_required') {
    refreshSession().then(() => {
      if (!page.ctx.signal.aborted) page.ctx.navigate(`/sign-in?next=${encodeURIComponent(page.ctx.url.pathname + page.ctx.url.search)}`, { replace: true });
    });
    return undefined;
  }
  setChildren(
    page.area,
    h('p', { text: 'We could not load the invitations just now.' }),
    h('p', { text: err?.message || 'Please try again in a few minutes.' }),
    h('p', {}, h('a', { href: page.ctx.url.pathname + page.ctx.url.search, 'data-router': 'off', text: 'Try again' })),
  );
  return undefined;
}

/** The form, the one-time link (after creating one), and the list. */
function showTools(page, data) {
  const { session, ctx, slug, summary } = page;
  const roles = session.user.is_admin ? ROLE_OPTIONS : ROLE_OPTIONS.filter((r) => r.value === 'member' || r.value === 'carer');

  const role = radiosField({ id: 'invite-role', legend: 'Who is the invitation for?', legendClass: 'nhsuk-fieldset__legend--s', options: roles, checked: 'member' });
  const note = textField({
    id: 'invite-note',
    label: 'Note for staff (optional)',
    hint: 'Only staff can see this. Use something that helps you remember who it is for, such as initials. Do not include full names or contact details.',
    attrs: { maxlength: String(NOTE_MAX) },
  });
  const expiry = selectField({ id: 'invite-expiry', label: 'How long the link works', options: EXPIRY_OPTIONS, selected: '168' });
  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Create invitation link' });
  const form = h(
    'form',
    { novalidate: true, id: 'invite-form' },
    h('h2', { class: 'nhsuk-heading-m', text: 'Create an invitation' }),
    h('p', { text: 'Each invitation link works once, for one person. Send it to them privately, for example by secure email.' }),
    role.group,
    note.group,
    expiry.group,
    submit,
  );
  const result = h('div', { id: 'invite-result' });
  const listStatus = h('p', { class: 'harbour-list-status', role: 'status', id: 'invitations-status' });
  const listHeading = h('h2', { class: 'nhsuk-heading-m', id: 'invitations-heading', tabindex: '-1', text: 'Invitations' });
  const list = h('div', { id: 'invitations-list' });
  const more = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'invitations-more', hidden: true, text: 'Show older invitations' });
  let nextBefore = null;

  page.area.replaceChildren(result, form, listHeading, listStatus, list, more);

  const reload = (focusAfter) =>
    getJson(`/networks/${encodeURIComponent(slug)}/invitations`, { signal: ctx.signal })
      .then((d) => {
        if (!ctx.signal.aborted) showList(d);
        if (focusAfter) listHeading.focus();
      })
      .catch((err) => {
        if (!ctx.signal.aborted) listStatus.textContent = err?.message || 'We could not refresh the list.';
      });

  const showList = (d, { append = false } = {}) => {
    const items = Array.isArray(d?.invitations) ? d.invitations.filter((i) => i && typeof i === 'object') : [];
    nextBefore = Number.isSafeInteger(d?.next_before) ? d.next_before : null;
    more.hidden = nextBefore === null;
    const cards = items.map((inv) => invitationCard(inv, { revoke: revokeOne }));
    if (append) {
      list.append(...cards);
      cards[0]?.querySelector('h3')?.setAttribute('tabindex', '-1');
      cards[0]?.querySelector('h3')?.focus();
    } else if (items.length === 0) {
      list.replaceChildren(h('p', { text: 'There are no invitations for this community yet.' }));
    } else {
      list.replaceChildren(...cards);
    }
  };

  more.addEventListener('click', () => {
    if (nextBefore === null) return;
    busy(more, true, 'Loading\u2026');
    getJson(`/networks/${encodeURIComponent(slug)}/invitations?before=${encodeURIComponent(String(nextBefore))}`, { signal: ctx.signal })
      .then((d) => {
        if (!ctx.signal.aborted) showList(d, { append: true });
      })
      .catch((err) => {
        if (!ctx.signal.aborted) listStatus.textContent = err?.message || 'We could not load more invitations.';
      })
      .finally(() => busy(more, false));
  });

  const revokeOne = async (id, button) => {
    busy(button, true, 'Revoking\u2026');
    try {
      await deleteJson(`/invitations/${encodeURIComponent(String(id))}`);
      listStatus.textContent = 'Invitation revoked. Its link no longer works.';
      await reload(true);
    } catch (err) {
      busy(button, false);
      listStatus.textContent = err?.message || 'We could not revoke the invitation. Please try again.';
    }
  };

  showList(data);

  let submitting = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitting) return;
    const noteText = note.value().trim();
    const errors = [];
    if (!role.value()) errors.push({ field: role.input, message: 'Select who the invitation is for' });
    if ([...noteText].length > NOTE_MAX) errors.push({ field: note.input, message: `The note must be ${NOTE_MAX} characters or fewer` });
    const show = (list2) => {
      role.setError(list2.find((e) => e.field === role.input)?.message ?? null);
      note.setError(list2.find((e) => e.field === note.input)?.message ?? null);
      summary.show(list2);
      ctx.setTitle(`${list2.length ? 'Error: ' : ''}${page.title}`);
    };
    show(errors);
    if (errors.length) return;

    submitting = true;
    busy(submit, true, 'Creating the link\u2026');
    const body = { role: role.value(), expires_in_hours: Number(expiry.value()) };
    if (noteText) body.note = noteText;
    try {
      const reply = await postJson(`/networks/${encodeURIComponent(slug)}/invitations`, body);
      if (ctx.signal.aborted) return;
      note.input.value = '';
      showOneTimeLink(result, reply, body.role);
      reload(false);
    } catch (err) {
      if (ctx.signal.aborted) return;
      const code = err instanceof ApiError ? err.code : 'unreachable';
      if (code === 'second_factor_required') {
        showSecondFactorNeeded(page);
        return;
      }
      const field = code.includes('role') ? role.input : code.includes('note') ? note.input : null;
      show([{ field, message: err?.message || 'We could not create the invitation. Please try again.' }]);
    } finally {
      submitting = false;
      busy(submit, false);
    }
  });
}

/** The new link, shown once, with a copy button. */
function showOneTimeLink(result, reply, requestedRole) {
  const link = str(reply?.link);
  const roleName = roleLabel(str(reply?.role) || requestedRole);
  const expires = formatDateTime(reply?.expires_at);
  const input = h('input', { class: 'nhsuk-input harbour-link-input', id: 'invite-link', type: 'text', readonly: true, spellcheck: 'false', 'aria-describedby': 'invite-link-hint' });
  input.value = link;
  input.addEventListener('focus', () => input.select());
  const copy = h('button', { class: 'nhsuk-button nhsuk-button--secondary harbour-copy-button', type: 'button', id: 'invite-copy', text: 'Copy link' });
  const copied = h('p', { class: 'nhsuk-body-s harbour-copy-status', role: 'status', id: 'invite-copy-status' });
  copy.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(link);
      ok = true;
    } catch {
      input.focus();
      input.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
    }
    copied.textContent = ok
      ? 'Link copied. Paste it into a private message to the person.'
      : 'The link could not be copied automatically. Select it and copy it yourself.';
  });

  const banner = h(
    'div',
    { class: 'nhsuk-notification-banner nhsuk-notification-banner--success', role: 'region', 'aria-labelledby': 'invite-result-title', tabindex: '-1', id: 'invite-result-banner' },
    h('div', { class: 'nhsuk-notification-banner__header' }, h('h2', { class: 'nhsuk-notification-banner__title', id: 'invite-result-title', text: 'Invitation created' })),
    h(
      'div',
      { class: 'nhsuk-notification-banner__content' },
      h('p', { class: 'nhsuk-notification-banner__heading', text: `Copy this link now and send it to the person you are inviting as ${withArticle(roleName)}.` }),
      h('p', { id: 'invite-link-hint', text: 'Harbour shows the link only this once, to keep it safe. When you leave this page or create another invitation, you will not be able to see it again.' }),
      h('div', { class: 'nhsuk-form-group harbour-link-group' }, h('label', { class: 'nhsuk-label', for: 'invite-link', text: 'Invitation link' }), input),
      copy,
      copied,
      expires ? h('p', { text: `It works once, until ${expires}.` }) : null,
    ),
  );
  result.replaceChildren(banner);
  banner.focus();
}

/** One invitation as an NHS.UK card with a summary list and, when open, a Revoke button. */
function invitationCard(inv, { revoke }) {
  const state = Object.hasOwn(STATE_TAGS, inv.state) ? STATE_TAGS[inv.state] : { text: str(inv.state) || 'Unknown', class: 'nhsuk-tag--grey' };
  const created = formatDateTime(inv.created_at);
  const expires = formatDateTime(inv.expires_at);
  const by = str(inv.created_by);
  const rows = [
    ['Note', str(inv.note) || 'No note'],
    ['Created', [created, by ? `by ${by}` : 'when Harbour was set up'].filter(Boolean).join(' ')],
    [inv.state === 'expired' ? 'Expired' : 'Expires', expires || 'Not known'],
  ];
  const title = `${roleTitle(str(inv.role))} invitation`;
  const actions = h('div', { class: 'harbour-invitation__actions' });
  const content = h(
    'div',
    { class: 'nhsuk-card__content' },
    h('h3', { class: 'nhsuk-card__heading nhsuk-heading-s harbour-invitation__heading' }, h('span', { text: title }), ' ', h('strong', { class: `nhsuk-tag ${state.class}`, text: state.text })),
    h(
      'dl',
      { class: 'nhsuk-summary-list nhsuk-summary-list--no-border harbour-invitation__details' },
      rows.map(([k, v]) =>
        h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key', text: k }), h('dd', { class: 'nhsuk-summary-list__value', text: v })),
      ),
    ),
    actions,
  );

  const described = `${title.toLowerCase()}${created ? ` created ${created}` : ''}`;
  const showRevoke = (focus) => {
    const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', 'data-invitation-id': String(inv.id) }, 'Revoke', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${described}` }));
    button.addEventListener('click', () => showConfirm());
    actions.replaceChildren(button);
    if (focus) button.focus();
  };
  const showConfirm = () => {
    const question = h('p', { class: 'harbour-invitation__question', tabindex: '-1', text: 'Revoke this invitation? Its link will stop working straight away.' });
    const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning nhsuk-button--small', type: 'button', text: 'Yes, revoke it' });
    const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', text: 'Cancel' });
    yes.addEventListener('click', () => revoke(inv.id, yes));
    no.addEventListener('click', () => showRevoke(true));
    actions.replaceChildren(question, h('div', { class: 'nhsuk-button-group' }, yes, no));
    question.focus();
  };
  if (inv.state === 'open') showRevoke(false);

  return h('div', { class: 'nhsuk-card harbour-invitation', 'data-state': str(inv.state) }, content);
}

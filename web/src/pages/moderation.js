// /moderation?network=<slug>&state=open|approved|rejected: the moderation queue for staff of the
// network. Each item shows why it was held, where it was posted, the post in full and its
// author; Approve (with an optional note) or Reject (with a reason the author will see).
import { ApiError, getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy, successBanner } from '../forms.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { needsSecondStep } from '../session.js';
import { formatDateTime, secondFactorSteps } from './common.js';
import { badgeTag, int, kindWords, list, pager, renderPost, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork, withParams } from './content-common.js';

const STATES = [
  { value: 'open', label: 'Waiting' },
  { value: 'approved', label: 'Approved' },
  { value: 'rejected', label: 'Not published' },
];
const REASONS = {
  new_member: 'New member: first posts',
  pre_moderation: 'Every post is read first',
  story: 'Recovery story',
  watched_word: 'Watched word',
  resubmitted: 'Sent again after changes',
  edit: 'Edited after publishing',
  report: 'Reported',
};

export const moderationPage = {
  title: 'Moderation',
  render(main, ctx) {
    const banner = h('div', { id: 'moderation-banner' });
    const page = startPage(main, ctx, { title: 'Moderation', wideLayout: true, before: [banner] });
    page.banner = banner;
    withNetwork(page, (session, network) => {
      if (!isStaffOf(session, network.slug)) {
        setChildren(page.area, h('p', { class: 'nhsuk-lede-text', text: 'Moderation is for staff of this community.' }));
        return;
      }
      if (needsSecondStep(session)) {
        const here = ctx.url.pathname + ctx.url.search;
        page.heading.textContent = 'You need two-step sign-in to moderate';
        setChildren(page.area, ...secondFactorSteps(session.second_factor, here));
        return;
      }
      const state = STATES.some((s) => s.value === ctx.url.searchParams.get('state')) ? ctx.url.searchParams.get('state') : 'open';
      const raw = ctx.url.searchParams.get('before') || '';
      const before = /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
      page.area.replaceChildren(loadingLine('Loading the queue\u2026'));
      const qs = new URLSearchParams({ state, ...(before ? { before } : {}) });
      getJson(`/networks/${encodeURIComponent(network.slug)}/moderation/queue?${qs}`, { signal: ctx.signal })
        .then((data) => show(page, session, network, state, before, data))
        .catch((err) => showProblem(page, err, { what: 'the moderation queue' }));
    });
  },
};

function show(page, session, network, state, before, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  heading.textContent = network.list.length > 1 ? `Moderation: ${network.name}` : 'Moderation';
  const items = list(data?.items);
  const next = int(data?.next_before);
  const filter = h(
    'nav',
    { class: 'harbour-admin-nav harbour-queue-filter', 'aria-label': 'Queue' },
    h('ul', { class: 'nhsuk-list harbour-admin-nav__list' }, STATES.map((s) => h('li', {}, h('a', { href: withParams(ctx.url, { state: s.value === 'open' ? null : s.value, before: null }), 'aria-current': s.value === state ? 'page' : null, text: s.label })))),
  );
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'queue-status', text: state === 'open' ? `${items.length} waiting${next ? ' on this page' : ''}` : '' });
  const listEl = h('ol', { class: 'nhsuk-list harbour-queue', id: 'queue' });
  listEl.append(...items.map((item) => itemCard(page, session, state, item, listEl, status)));
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/moderation?network=${encodeURIComponent(slug)}`),
    filter,
    status,
    items.length ? listEl : h('p', { id: 'queue-empty', text: state === 'open' ? 'Nothing is waiting. Thank you.' : 'Nothing here yet.' }),
    pager({ label: 'Queue pages', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older' } : null }),
  );
}

function itemCard(page, session, state, item, listEl, status) {
  const id = int(item.id);
  const post = item.post || {};
  const ctxInfo = item.context || {};
  const author = item.author || {};
  const published = int(author.published_posts) ?? 0;
  const headingId = `item-${id}-heading`;
  const li = h('li', { class: 'nhsuk-card harbour-queue-item', id: `item-${id}`, 'data-item-id': String(id), 'aria-labelledby': headingId });
  const content = h('div', { class: 'nhsuk-card__content' });
  li.append(content);
  const where = str(ctxInfo.title);
  content.append(
    h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m', id: headingId, text: `${kindWords(post.kind)}${where ? ` in \u201c${where}\u201d` : ''}` }),
    h('p', { class: 'harbour-queue-item__reasons' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Why it is here: ' }), list(item.reasons).map((r) => [tag(REASONS[r] || String(r).replace(/_/g, ' '), 'yellow'), ' ']), str(item.matched) ? h('span', { class: 'nhsuk-body-s' }, 'Matched: ', h('mark', { text: item.matched })) : null),
    h(
      'dl',
      { class: 'nhsuk-summary-list harbour-queue-item__facts' },
      fact('Author', h('span', {}, str(author.pseudonym) || 'Unknown', badgeTag(post.author) ? [' ', badgeTag(post.author)] : null), ` \u00b7 ${published} published ${published === 1 ? 'post' : 'posts'}`),
      fact('Sent', formatDateTime(item.created_at) || 'Not known'),
      state !== 'open' ? fact('Decided', `${formatDateTime(item.decided_at) || ''}${str(item.decision_reason) ? ` \u2014 ${item.decision_reason}` : ''}`) : null,
      ctxInfo.id ? fact('Context', h('a', { href: ctxInfo.kind === 'blog_post' ? `/blog/post?id=${int(ctxInfo.id)}` : `/forums/topic?id=${int(ctxInfo.id)}`, text: where || 'Open' })) : null,
    ),
    h('div', { class: 'harbour-queue-item__post' }, renderPost(post, { session, heading: 'h3', showTitle: true, editable: false })),
  );
  if (state === 'open') content.append(decisionForms(page, item, li, listEl, status));
  return li;
}

function fact(key, ...value) {
  return h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key', text: key }), h('dd', { class: 'nhsuk-summary-list__value' }, ...value));
}

function decisionForms(page, item, li, listEl, status) {
  const id = int(item.id);
  const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert', id: `item-${id}-problem` });
  const note = h('textarea', { class: 'nhsuk-textarea', id: `approve-note-${id}`, name: 'note', rows: '3', 'aria-describedby': `approve-note-${id}-hint` });
  const approve = h('button', { class: 'nhsuk-button harbour-approve', type: 'submit', 'data-item-id': String(id) }, 'Approve', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${kindWords(item.post?.kind).toLowerCase()}` }));
  const approveForm = h(
    'form',
    { novalidate: true, class: 'harbour-decision harbour-decision--approve' },
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: note.id, text: 'Note (optional)' }), h('div', { class: 'nhsuk-hint', id: `approve-note-${id}-hint`, text: 'For other moderators and the audit log.' }), note),
    approve,
  );
  const reasonError = h('span', { class: 'nhsuk-error-message', id: `reject-reason-${id}-error`, hidden: true });
  const reason = h('textarea', { class: 'nhsuk-textarea', id: `reject-reason-${id}`, name: 'reason', rows: '3', 'aria-describedby': `reject-reason-${id}-hint` });
  const reject = h('button', { class: 'nhsuk-button nhsuk-button--secondary harbour-reject', type: 'submit' }, 'Reject', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${kindWords(item.post?.kind).toLowerCase()}` }));
  const rejectGroup = h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: reason.id, text: 'Reason for not publishing' }), h('div', { class: 'nhsuk-hint', id: `reject-reason-${id}-hint`, text: 'The author will see this reason. Be kind and say what they could change.' }), reasonError, reason);
  const rejectForm = h('form', { novalidate: true, class: 'harbour-decision harbour-decision--reject' }, rejectGroup, reject);

  const decided = (verb, extra) => {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    page.banner.replaceChildren(successBanner({ heading: `${kindWords(item.post?.kind)} ${verb}.`, body: extra, id: 'decision-banner' }));
    const remaining = listEl.children.length;
    status.textContent = `${remaining} waiting`;
    if (!remaining) listEl.replaceWith(h('p', { id: 'queue-empty', text: 'Nothing is waiting. Thank you.' }));
    const focusTarget = next?.querySelector('h2') || page.heading;
    focusTarget.setAttribute('tabindex', '-1');
    focusTarget.focus();
  };
  const send = async (button, path, body, onDone) => {
    problem.textContent = '';
    busy(button, true, 'Saving\u2026');
    try {
      await postJson(path, body);
      onDone();
    } catch (err) {
      busy(button, false);
      if (err instanceof ApiError && err.code === 'already_decided') {
        decided('was already decided by another moderator', 'It has left the queue.');
        return;
      }
      problem.textContent = err?.message || 'We could not save the decision. Please try again.';
    }
  };
  approveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = note.value.trim();
    send(approve, `/moderation/items/${id}/approve`, text ? { reason: text } : {}, () => decided('approved', 'It is published, and the author has been told.'));
  });
  rejectForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    const n = [...text].length;
    const message = n < 3 ? 'Enter a reason of at least 3 characters' : n > 500 ? 'The reason must be 500 characters or fewer' : null;
    reasonError.replaceChildren();
    reasonError.hidden = !message;
    rejectGroup.classList.toggle('nhsuk-form-group--error', Boolean(message));
    reason.classList.toggle('nhsuk-textarea--error', Boolean(message));
    reason.setAttribute('aria-describedby', `reject-reason-${id}-hint${message ? ` ${reasonError.id}` : ''}`);
    if (message) {
      reasonError.append(h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
      reason.focus();
      return;
    }
    send(reject, `/moderation/items/${id}/reject`, { reason: text }, () => decided('not published', 'The author can read your reason, change the post and send it again.'));
  });
  return h('div', { class: 'harbour-queue-item__decide' }, problem, h('div', { class: 'harbour-decisions' }, approveForm, rejectForm));
}

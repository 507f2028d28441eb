// /moderation?network=<slug>&state=open|approved|rejected: the moderation queue for staff of the
// network, most urgent first. Each item shows why it is here (and how many people reported it,
// never who), where it was posted, the post in full (distressing ones behind a "Show this post"
// button, for the moderator's own wellbeing) and its author. A moderator claims an item so no
// one else works on it, then approves (or edits and approves), rejects with a kind template
// reason, keeps or hides a reported post, escalates to a clinician, writes to the author
// privately, silences them for a time or keeps a private note about them.
import { ApiError, errorMessage, getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy, successBanner } from '../forms.js';
import { announce } from '../live.js';
import { isBusyIn, onLive } from '../live-refresh.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { needsSecondStep } from '../session.js';
import { formatDateTime, secondFactorSteps } from './common.js';
import { badgeTag, details, int, kindWords, list, pager, renderPost, str, tag, warningCallout } from '../post-view.js';
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
  flag: 'Flagged word',
  risk: 'Risk words',
  anonymity: 'Might identify someone',
  out_of_hours: 'Sent out of hours',
  escalated: 'Escalated to a clinician',
};
const REPORT_WORDS = { unkind: 'unkind', identifying: 'could identify someone', unsafe: 'unsafe', spam: 'spam', other: 'other' };
const SILENCE_HOURS = [
  ['1', '1 hour'],
  ['6', '6 hours'],
  ['24', '1 day'],
  ['72', '3 days'],
  ['168', '1 week'],
  ['720', '30 days'],
];
// Filled once per page from GET /moderation/reject-templates.
let templates = [];

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
      Promise.all([
        getJson(`/networks/${encodeURIComponent(network.slug)}/moderation/queue?${qs}`, { signal: ctx.signal }),
        getJson('/moderation/reject-templates', { signal: ctx.signal }).catch(() => ({ templates: [] })),
      ])
        .then(([data, t]) => {
          templates = list(t?.templates).filter((x) => str(x?.key) && str(x?.label));
          show(page, session, network, state, before, data);
          keepCurrent(page, session, network, state, before, `/networks/${encodeURIComponent(network.slug)}/moderation/queue?${qs}`);
        })
        .catch((err) => showProblem(page, err, { what: 'the moderation queue' }));
    });
  },
};

/**
 * New or decided items (a live `queue_changed` or `case_opened` for this community) reload the
 * list in place, without moving focus. While a moderator is working in the list (a field has
 * the focus or holds their words, a distressing post is open), nothing moves: a "New items:
 * refresh" button appears instead and they reload when ready.
 */
function keepCurrent(page, session, network, state, before, path) {
  const { ctx } = page;
  const notice = h('div', { class: 'harbour-live-notice', id: 'queue-live-notice', role: 'status' });
  page.top.append(notice);
  let loading = false;
  const reload = async ({ focusStatus = false } = {}) => {
    if (loading || ctx.signal.aborted) return;
    loading = true;
    const focusedId = page.area.contains(document.activeElement) ? document.activeElement.id : '';
    try {
      const data = await getJson(path, { signal: ctx.signal });
      if (ctx.signal.aborted) return;
      notice.replaceChildren();
      show(page, session, network, state, before, data);
      const again = focusedId ? document.getElementById(focusedId) : null;
      if (focusStatus || (focusedId && !again)) {
        const status = document.getElementById('queue-status') || page.heading;
        status.setAttribute('tabindex', '-1');
        status.focus();
      } else if (again) {
        if (!again.hasAttribute('tabindex') && !again.matches('a[href], button, input, select, textarea, summary')) again.setAttribute('tabindex', '-1');
        again.focus();
      }
      if (state === 'open') announce(`The queue has been updated: ${list(data?.items).length} waiting.`);
    } catch {
      // The next live event or a manual reload will try again; the list on show stays usable.
    } finally {
      loading = false;
    }
  };
  onLive(ctx.signal, ['queue_changed', 'case_opened'], network.slug, () => {
    if (!isBusyIn(page.area)) {
      reload();
      return;
    }
    if (notice.querySelector('button')) return;
    const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'queue-refresh', text: 'New items: refresh' });
    button.addEventListener('click', () => reload({ focusStatus: true }));
    notice.replaceChildren(h('p', { class: 'nhsuk-body-s nhsuk-u-margin-bottom-2', text: 'New items have arrived. Refresh the list when you are ready: finish or copy anything you are writing first.' }), button);
  });
}

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
  listEl.append(...items.map((item) => itemCard(page, session, network, state, item, listEl, status)));
  setChildren(
    area,
    h('p', { class: 'harbour-dashboard-link' }, h('a', { href: `/moderation/dashboard?network=${encodeURIComponent(network.slug)}`, id: 'moderation-dashboard-link', text: 'Dashboard: how the queue and cases are doing' })),
    networkSwitcher(network, (slug) => `/moderation?network=${encodeURIComponent(slug)}`),
    filter,
    status,
    items.length ? listEl : h('p', { id: 'queue-empty', text: state === 'open' ? 'Nothing is waiting. Thank you.' : 'Nothing here yet.' }),
    pager({ label: 'Queue pages', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older' } : null }),
  );
}

function itemCard(page, session, network, state, item, listEl, status) {
  const id = int(item.id);
  const post = item.post || {};
  const ctxInfo = item.context || {};
  const author = item.author || {};
  const published = int(author.published_posts) ?? 0;
  const reports = item.reports && typeof item.reports === 'object' ? item.reports : {};
  const reportCount = int(reports.count) || 0;
  const priority = int(item.priority) || 0;
  const headingId = `item-${id}-heading`;
  const li = h('li', { class: 'nhsuk-card harbour-queue-item', id: `item-${id}`, 'data-item-id': String(id), 'data-priority': String(priority), 'aria-labelledby': headingId });
  const content = h('div', { class: 'nhsuk-card__content' });
  li.append(content);
  const where = str(ctxInfo.title);
  const postView = h('div', { class: 'harbour-queue-item__post' }, renderPost(post, { session, heading: 'h3', showTitle: true, editable: false }));
  // Distressing posts wait behind a warning until the moderator chooses to read them.
  let postArea = postView;
  if (item.sensitive === true) {
    postView.hidden = true;
    const reveal = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small harbour-reveal', type: 'button', 'aria-controls': `item-${id}-post`, 'aria-expanded': 'false', text: 'Show this post' });
    postView.id = `item-${id}-post`;
    const callout = warningCallout('This post may be distressing', h('p', { text: 'It mentions self-harm, suicide or risk. Take a breath first; you can ask a colleague or a clinician to look instead.' }), reveal);
    callout.classList.add('harbour-sensitive');
    reveal.addEventListener('click', () => {
      postView.hidden = false;
      reveal.setAttribute('aria-expanded', 'true');
      callout.remove();
      postView.setAttribute('tabindex', '-1');
      postView.focus();
    });
    postArea = h('div', {}, callout, postView);
  }
  // setChildren skips the null of a part left out (the DOM's own append would show "null").
  setChildren(
    content,
    h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m', id: headingId, text: `${kindWords(post.kind)}${where ? ` in \u201c${where}\u201d` : ''}` }),
    h(
      'p',
      { class: 'harbour-queue-item__reasons' },
      priority >= 2 ? [tag('Urgent', 'red'), ' '] : null,
      h('span', { class: 'nhsuk-u-visually-hidden', text: 'Why it is here: ' }),
      list(item.reasons).map((r) => [tag(REASONS[r] || String(r).replace(/_/g, ' '), r === 'risk' || r === 'escalated' ? 'red' : 'yellow'), ' ']),
      str(item.matched) ? h('span', { class: 'nhsuk-body-s' }, 'Matched: ', h('mark', { text: item.matched })) : null,
    ),
    // A post held for risk is published only when two different moderators agree.
    item.needs_second_review === true
      ? h(
          'div',
          { class: 'nhsuk-inset-text harbour-second-review' },
          h('p', {
            text:
              item.first_review_by && typeof item.first_review_by === 'object'
                ? `${str(item.first_review_by.pseudonym) || 'A moderator'} has approved this. A second moderator must agree before it appears.`
                : 'Two moderators must approve this post before it appears.',
          }),
        )
      : null,
    h(
      'dl',
      { class: 'nhsuk-summary-list harbour-queue-item__facts' },
      fact('Author', h('span', {}, str(author.pseudonym) || 'Unknown', badgeTag(post.author) ? [' ', badgeTag(post.author)] : null), ` \u00b7 ${published} published ${published === 1 ? 'post' : 'posts'}`),
      fact('Sent', formatDateTime(item.created_at) || 'Not known'),
      reportCount ? fact('Reports', `${reportCount} ${reportCount === 1 ? 'person' : 'people'}: ${list(reports.reasons).map((r) => REPORT_WORDS[r] || r).join(', ')}`, list(reports.notes).length ? h('ul', { class: 'nhsuk-list nhsuk-body-s harbour-report-notes' }, list(reports.notes).map((n) => h('li', { text: `\u201c${n}\u201d` }))) : null) : null,
      state !== 'open' ? fact('Decided', `${formatDateTime(item.decided_at) || ''}${str(item.decision_reason) ? ` \u2014 ${item.decision_reason}` : ''}`) : null,
      ctxInfo.id ? fact('Context', h('a', { href: ctxInfo.kind === 'blog_post' ? `/blog/post?id=${int(ctxInfo.id)}` : `/forums/topic?id=${int(ctxInfo.id)}`, text: where || 'Open' })) : null,
    ),
    postArea,
  );
  if (state === 'open') content.append(claimLine(page, session, item, li), decisionForms(page, item, li, listEl, status), memberTools(network, item));
  return li;
}

// Who is working on the item, with Claim / Release.
function claimLine(page, session, item, li) {
  const id = int(item.id);
  const line = h('div', { class: 'harbour-claim', id: `item-${id}-claim` });
  const paint = (current) => {
    const claimer = current?.claimed_by && typeof current.claimed_by === 'object' ? current.claimed_by : null;
    const mine = claimer && claimer.id === session?.user?.id;
    const until = formatDateTime(current?.claim_expires_at);
    const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
    const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', 'data-action': mine ? 'release' : 'claim' }, mine ? 'Release' : 'Claim', h('span', { class: 'nhsuk-u-visually-hidden', text: ' this item' }));
    button.addEventListener('click', async () => {
      busy(button, true, 'Saving\u2026');
      try {
        const reply = await postJson(`/moderation/items/${id}/${mine ? 'release' : 'claim'}`, {});
        paint(reply?.item);
        line.querySelector('button')?.focus();
      } catch (err) {
        busy(button, false);
        problem.textContent = errorMessage(err);
      }
    });
    const text = claimer
      ? mine
        ? `You are working on this until ${until}. Others will not pick it up.`
        : `${str(claimer.pseudonym) || 'Another moderator'} is working on this until ${until}.`
      : 'Nobody is working on this yet.';
    line.replaceChildren(h('p', { class: 'nhsuk-body-s harbour-claim__status', role: 'status', text }), problem, claimer && !mine ? null : button);
    li.classList.toggle('harbour-queue-item--claimed-by-other', Boolean(claimer && !mine));
  };
  paint(item);
  return line;
}

function fact(key, ...value) {
  return h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key', text: key }), h('dd', { class: 'nhsuk-summary-list__value' }, ...value));
}

// A reason check shared by every form: 3 to 500 characters.
function reasonProblem(text) {
  const n = [...text].length;
  return n < 3 ? 'Enter a reason of at least 3 characters' : n > 500 ? 'The reason must be 500 characters or fewer' : null;
}

// A labelled textarea with hint and inline error, as the NHS.UK pattern wants.
function areaField(id, label, hint, { rows = 3, value = '', name = id } = {}) {
  const error = h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: true });
  const input = h('textarea', { class: 'nhsuk-textarea', id, name, rows: String(rows), 'aria-describedby': hint ? `${id}-hint` : null });
  // The default value, not just the value: a live refresh can then tell the moderator's own
  // changes from the text the item arrived with.
  input.defaultValue = value;
  const group = h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: id, text: label }), hint ? h('div', { class: 'nhsuk-hint', id: `${id}-hint`, text: hint }) : null, error, input);
  const setError = (message) => {
    error.replaceChildren();
    error.hidden = !message;
    group.classList.toggle('nhsuk-form-group--error', Boolean(message));
    input.classList.toggle('nhsuk-textarea--error', Boolean(message));
    input.setAttribute('aria-describedby', [hint ? `${id}-hint` : null, message ? error.id : null].filter(Boolean).join(' '));
    if (message) {
      error.append(h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
      input.focus();
    }
  };
  return { group, input, setError };
}

function decisionForms(page, item, li, listEl, status) {
  const id = int(item.id);
  const post = item.post || {};
  const kind = kindWords(post.kind).toLowerCase();
  // A reported or flagged post is already published: the choice is to keep it or hide it.
  const published = str(post.state) === 'published';
  const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert', id: `item-${id}-problem` });

  const decided = (verb, extra) => {
    const next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    page.banner.replaceChildren(successBanner({ heading: `${kindWords(post.kind)} ${verb}.`, body: extra, id: 'decision-banner' }));
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
      problem.textContent = errorMessage(err, 'We could not save the decision. Please try again.');
    }
  };

  // Approve or keep, with an optional note.
  const note = areaField(`approve-note-${id}`, 'Note (optional)', 'For other moderators and the audit log.', { name: 'note' });
  const approve = h('button', { class: 'nhsuk-button harbour-approve', type: 'submit', 'data-item-id': String(id) }, published ? 'Keep' : 'Approve', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${kind}` }));
  const approveForm = h('form', { novalidate: true, class: 'harbour-decision harbour-decision--approve' }, note.group, approve);
  approveForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = note.input.value.trim();
    send(approve, `/moderation/items/${id}/approve`, text ? { reason: text } : {}, () =>
      decided(published ? 'kept as it is' : 'approved', published ? 'The reports are closed. The author was not told.' : 'It is published, and the author has been told.'));
  });

  // Reject (or hide) with a template reason and a note, or the moderator's own words.
  const templateSelect = h(
    'select',
    { class: 'nhsuk-select', id: `reject-template-${id}`, name: 'template', 'aria-describedby': `reject-template-${id}-hint` },
    h('option', { value: '', text: 'My own words (write below)' }),
    templates.map((t) => h('option', { value: t.key, text: t.label })),
  );
  const templateText = h('p', { class: 'nhsuk-body-s harbour-template-text', id: `reject-template-${id}-text`, 'aria-live': 'polite' });
  const reason = areaField(`reject-reason-${id}`, 'Reason', 'The author will see this. Be kind and say what they could change.', { name: 'reason' });
  const paintTemplate = () => {
    const t = templates.find((x) => x.key === templateSelect.value);
    templateText.textContent = t ? `They will read: \u201c${str(t.text)}\u201d` : '';
    const label = reason.group.querySelector('label');
    label.textContent = t ? (t.needs_note ? 'Note for the author' : 'Note for the author (optional)') : `Reason for ${published ? 'hiding' : 'not publishing'}`;
    reason.group.querySelector('.nhsuk-hint').textContent = t ? 'Added after the chosen text.' : 'The author will see this. Be kind and say what they could change.';
  };
  templateSelect.addEventListener('change', paintTemplate);
  const reject = h('button', { class: `nhsuk-button ${published ? 'nhsuk-button--warning' : 'nhsuk-button--secondary'} harbour-reject`, type: 'submit' }, published ? 'Hide' : 'Reject', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${kind}` }));
  const rejectForm = h(
    'form',
    { novalidate: true, class: 'harbour-decision harbour-decision--reject' },
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: templateSelect.id, text: published ? 'Why hide it' : 'Why it cannot be published' }), h('div', { class: 'nhsuk-hint', id: `reject-template-${id}-hint`, text: 'Choose a reason from the guidelines, or write your own below. The author will see it.' }), templateSelect, templateText),
    reason.group,
    reject,
  );
  paintTemplate();
  rejectForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const t = templates.find((x) => x.key === templateSelect.value);
    const text = reason.input.value.trim();
    const message = t ? (text || t.needs_note ? reasonProblem(text) : null) : text ? reasonProblem(text) : 'Enter a reason, or choose one from the list';
    reason.setError(message);
    if (message) return;
    const body = t ? { template: t.key, ...(text ? { note: text } : {}) } : { reason: text };
    send(reject, `/moderation/items/${id}/reject`, body, () =>
      decided(published ? 'hidden' : 'not published', published ? 'The author has been told why.' : 'The author can read your reason, change the post and send it again.'));
  });

  const forms = [approveForm, rejectForm];
  const more = [];
  if (!published) {
    // Edit and approve: small fixes (an address, a name) without sending it back.
    const title = str(post.title) ? h('input', { class: 'nhsuk-input', id: `edit-title-${id}`, name: 'title', type: 'text', value: post.title }) : null;
    const body = areaField(`edit-body-${id}`, 'Text of the post', 'The author will see that a moderator edited it. The original is kept in the history.', { rows: 6, value: str(post.body) });
    const why = areaField(`edit-reason-${id}`, 'Reason for the edit', 'Kept in the audit log.', { rows: 2 });
    const save = h('button', { class: 'nhsuk-button harbour-edit-approve', type: 'submit', text: 'Save changes and approve' });
    const editForm = h('form', { novalidate: true, class: 'harbour-edit-form' }, title ? h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: title.id, text: 'Title' }), title) : null, body.group, why.group, save);
    editForm.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!body.input.value.trim()) {
        body.setError('Enter the text of the post');
        return;
      }
      body.setError(null);
      const message = reasonProblem(why.input.value.trim());
      why.setError(message);
      if (message) return;
      const payload = { body: body.input.value, reason: why.input.value.trim(), ...(title ? { title: title.value } : {}) };
      send(save, `/moderation/items/${id}/approve`, payload, () => decided('edited and approved', 'It is published with your changes, and the author has been told.'));
    });
    more.push(details('Edit and approve', editForm, { class: 'nhsuk-details harbour-edit' }));
  }
  // Escalate: a clinician opens a safeguarding case about the author.
  const escReason = areaField(`escalate-reason-${id}`, 'What worries you', 'The clinicians read this. Kept in the audit log.', { rows: 2 });
  const escalate = h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'submit', text: 'Escalate to a clinician' });
  const escDone = h('p', { class: 'harbour-escalated', role: 'status' });
  const escForm = h('form', { novalidate: true, class: 'harbour-escalate-form' }, escReason.group, escalate, escDone);
  escForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = reasonProblem(escReason.input.value.trim());
    escReason.setError(message);
    if (message) return;
    busy(escalate, true, 'Escalating\u2026');
    try {
      await postJson(`/moderation/items/${id}/escalate`, { reason: escReason.input.value.trim() });
      escDone.textContent = 'A safeguarding case is open. The clinicians have been asked to respond. The item stays here until someone decides it.';
      escReason.input.value = '';
    } catch (err) {
      escDone.textContent = errorMessage(err);
    } finally {
      busy(escalate, false);
    }
  });
  more.push(details('Escalate to a clinician', escForm, { class: 'nhsuk-details harbour-escalate' }));
  return h('div', { class: 'harbour-queue-item__decide' }, problem, h('div', { class: 'harbour-decisions' }, forms), more);
}

// Message the author, silence them for a time, or keep a private note about them.
function memberTools(network, item) {
  const id = int(item.id);
  const author = item.author || {};
  const userId = int(author.id);
  if (userId === null) return null;
  const name = str(author.pseudonym) || 'the author';
  const slug = network.slug;
  const formWith = (cls, fields, button, onSend, done) => {
    const form = h('form', { novalidate: true, class: cls }, fields, button, done);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      done.textContent = '';
      const payload = onSend();
      if (!payload) return;
      busy(button, true, 'Saving\u2026');
      try {
        await payload();
      } catch (err) {
        done.textContent = errorMessage(err);
      } finally {
        busy(button, false);
      }
    });
    return form;
  };

  const msg = areaField(`message-body-${id}`, `Message to ${name}`, 'Only they can read it. They will see your role, not your name.', { rows: 3 });
  const msgDone = h('p', { role: 'status', class: 'harbour-tool-status' });
  const msgForm = formWith('harbour-message-form', msg.group, h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'submit', text: 'Send message' }), () => {
    const body = msg.input.value.trim();
    if (!body) {
      msg.setError('Write the message');
      return null;
    }
    msg.setError(null);
    return async () => {
      await postJson(`/members/${userId}/messages`, { network: slug, body, post_id: int(item.post?.id) ?? undefined });
      msg.input.value = '';
      msgDone.textContent = `Sent to ${name}.`;
    };
  }, msgDone);

  const hours = h('select', { class: 'nhsuk-select', id: `silence-hours-${id}`, name: 'hours' }, SILENCE_HOURS.map(([v, label]) => h('option', { value: v, text: label, selected: v === '24' })));
  const silReason = areaField(`silence-reason-${id}`, 'Reason', 'Kept in the audit log.', { rows: 2 });
  const silDone = h('p', { role: 'status', class: 'harbour-tool-status' });
  const silForm = formWith('harbour-silence-form', [h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: hours.id, text: 'For how long' }), hours), silReason.group], h('button', { class: 'nhsuk-button nhsuk-button--warning nhsuk-button--small', type: 'submit', text: 'Silence' }), () => {
    const message = reasonProblem(silReason.input.value.trim());
    silReason.setError(message);
    if (message) return null;
    return async () => {
      const reply = await postJson(`/members/${userId}/silence`, { network: slug, hours: Number(hours.value), reason: silReason.input.value.trim() });
      silReason.input.value = '';
      silDone.textContent = `${name} can read but not post until ${formatDateTime(reply?.silenced_until)}.`;
    };
  }, silDone);

  const noteBody = areaField(`note-body-${id}`, 'Private note', 'Only staff of this community can read it. The member never sees it.', { rows: 2 });
  const notesList = h('ul', { class: 'nhsuk-list nhsuk-body-s harbour-member-notes', id: `notes-${id}` });
  const noteDone = h('p', { role: 'status', class: 'harbour-tool-status' });
  const showNote = (n) => h('li', {}, h('span', { class: 'harbour-member-note__meta', text: `${str(n?.author?.pseudonym)}, ${formatDateTime(n?.created_at)}: ` }), str(n?.body));
  const noteForm = formWith('harbour-note-form', [notesList, noteBody.group], h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'submit', text: 'Add note' }), () => {
    const body = noteBody.input.value.trim();
    if (!body) {
      noteBody.setError('Write the note');
      return null;
    }
    noteBody.setError(null);
    return async () => {
      const reply = await postJson(`/members/${userId}/notes`, { network: slug, body });
      notesList.prepend(showNote(reply?.note));
      noteBody.input.value = '';
      noteDone.textContent = 'Note added.';
    };
  }, noteDone);
  const notesDetails = details(`Private notes about ${name}`, noteForm, { class: 'nhsuk-details harbour-notes' });
  let loaded = false;
  notesDetails.addEventListener('toggle', () => {
    if (!notesDetails.open || loaded) return;
    loaded = true;
    getJson(`/members/${userId}/notes?network=${encodeURIComponent(slug)}`)
      .then((data) => {
        const notes = list(data?.notes);
        notesList.replaceChildren(...(notes.length ? notes.map(showNote) : [h('li', { text: 'No notes yet.' })]));
        if (str(data?.silenced_until)) notesList.before(h('p', { class: 'nhsuk-body-s', text: `Silenced until ${formatDateTime(data.silenced_until)}.` }));
      })
      .catch((err) => {
        loaded = false;
        noteDone.textContent = errorMessage(err);
      });
  });

  return h(
    'div',
    { class: 'harbour-member-tools' },
    h('h3', { class: 'nhsuk-heading-s', text: `About ${name}` }),
    details(`Message ${name} privately`, msgForm, { class: 'nhsuk-details harbour-message-author' }),
    details(`Silence ${name} for a time`, silForm, { class: 'nhsuk-details harbour-silence' }),
    notesDetails,
  );
}

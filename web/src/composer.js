// Writing a post: title (topics and blog posts), body with a character count, content notes.
// The text is kept as a draft on the server while the person types (PUT /drafts/{key}, 1.5 s
// after the last key press, when they leave a field, and when the page goes away), brought back
// when they return, and removed by the server when the post is sent with its draft_key.
// After sending: published -> onPublished(post); held -> a thank-you panel with the API's
// message; refused -> the error summary, with the text kept.
// Options for short live messages (the Wall): no draft (draftKey null); the anonymity check
// before sending (checkIdentifying: POST /networks/{slug}/content-check, and a "send it anyway"
// choice when it finds identifying details); and afterSend 'reset', which empties the box for
// the next message instead of replacing it with a panel.
import { ApiError, errorMessage, getJson, request } from './api.js';
import { h, insetText } from './dom.js';
import { busy, errorSummary } from './forms.js';
import { MAX_NOTES, contentNotes, noteCheckboxes } from './content-notes.js';
import { str } from './post-view.js';
import { crisisContactList } from './crisis-contacts.js';

const SAVE_DELAY_MS = 1500;
const TIME = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' });

/** Unicode characters after trimming, as the server counts them. */
export function charCount(text) {
  return [...text.trim()].length;
}

/**
 * A textarea with the NHS.UK character count: the visible count updates as the person types;
 * screen readers hear it (politely) once they pause.
 */
function countedTextarea({ id, label, labelClass, hint, max, rows, value }) {
  const hintId = hint ? `${id}-hint` : null;
  const countId = `${id}-count`;
  const textarea = h('textarea', { class: 'nhsuk-textarea nhsuk-js-character-count', id, name: id, rows: String(rows || 6), 'aria-describedby': [hintId, countId].filter(Boolean).join(' ') });
  textarea.value = value || '';
  const visible = h('div', { class: 'nhsuk-hint nhsuk-character-count__status', id: countId, 'aria-hidden': 'true' });
  const spoken = h('div', { class: 'nhsuk-character-count__sr-status nhsuk-u-visually-hidden', 'aria-live': 'polite' });
  const error = h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: true });
  const group = h(
    'div',
    { class: 'nhsuk-form-group nhsuk-character-count', 'data-nhsuk-character-count-init': '' },
    h('label', { class: `nhsuk-label${labelClass ? ` ${labelClass}` : ''}`, for: id, text: label }),
    hint ? h('div', { class: 'nhsuk-hint', id: hintId }, ...(Array.isArray(hint) ? hint : [hint])) : null,
    error,
    textarea,
    visible,
    spoken,
  );
  const words = () => {
    const left = max - [...textarea.value].length;
    const n = Math.abs(left).toLocaleString('en-GB');
    return left >= 0 ? `You have ${n} ${left === 1 ? 'character' : 'characters'} remaining` : `You have ${n} ${left === -1 ? 'character' : 'characters'} too many`;
  };
  let timer = null;
  const update = () => {
    const over = [...textarea.value].length > max;
    visible.textContent = words();
    visible.classList.toggle('nhsuk-error-message', over);
    visible.classList.toggle('nhsuk-hint', !over);
    textarea.classList.toggle('nhsuk-textarea--error', over || !error.hidden);
    clearTimeout(timer);
    timer = setTimeout(() => {
      spoken.textContent = words();
    }, 1000);
  };
  textarea.addEventListener('input', update);
  update();
  spoken.textContent = '';
  return {
    group,
    input: textarea,
    value: () => textarea.value,
    set(v) {
      textarea.value = v;
      update();
    },
    setError(message) {
      error.replaceChildren();
      error.hidden = !message;
      if (message) error.append(h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
      group.classList.toggle('nhsuk-form-group--error', Boolean(message));
      textarea.classList.toggle('nhsuk-textarea--error', Boolean(message));
      textarea.setAttribute('aria-describedby', [hintId, message ? error.id : null, countId].filter(Boolean).join(' '));
    },
  };
}

function titleInput({ id, label, max, value }) {
  const input = h('input', { class: 'nhsuk-input', id, name: id, type: 'text', maxlength: String(max * 2), autocomplete: 'off', spellcheck: 'true' });
  input.value = value || '';
  const error = h('span', { class: 'nhsuk-error-message', id: `${id}-error`, hidden: true });
  const hintId = `${id}-hint`;
  input.setAttribute('aria-describedby', hintId);
  const group = h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label nhsuk-label--s', for: id, text: label }), h('div', { class: 'nhsuk-hint', id: hintId, text: `Between 3 and ${max} characters. Everyone who can read this will see it.` }), error, input);
  return {
    group,
    input,
    value: () => input.value,
    set(v) {
      input.value = v;
    },
    setError(message) {
      error.replaceChildren();
      error.hidden = !message;
      if (message) error.append(h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
      group.classList.toggle('nhsuk-form-group--error', Boolean(message));
      input.classList.toggle('nhsuk-input--error', Boolean(message));
      input.setAttribute('aria-describedby', [hintId, message ? error.id : null].filter(Boolean).join(' '));
    },
  };
}

/** "Draft saved at 10:42". */
function savedAt(iso) {
  const d = iso ? new Date(iso) : new Date();
  return `Draft saved at ${TIME.format(Number.isNaN(d.getTime()) ? new Date() : d)}`;
}

/**
 * @param {{id: string, ctx: any, network: string, draftKey: string|null,
 *   title?: {label: string, max: number}|null, body: {label: string, hint?: any, max: number, rows?: number},
 *   initial?: {title?: string, body?: string, content_notes?: string[]},
 *   submitText: string, heldHeading?: string,
 *   send: (payload: object) => Promise<{post: any, moderation: {outcome: string, message: string}}>,
 *   onPublished: (post: any) => void, onHeld?: (post: any) => void, summary?: ReturnType<typeof errorSummary>,
 *   checkIdentifying?: boolean, afterSend?: 'panel'|'reset', onError?: (err: any) => void, extra?: HTMLElement}} o
 *   extra: shown beside the submit button (for example "Cancel" of a reply box)
 * @returns {HTMLElement}
 */
export function composer(o) {
  const summary = o.summary || errorSummary();
  const root = h('div', { class: 'harbour-composer', id: o.id });
  const title = o.title ? titleInput({ id: `${o.id}-title`, label: o.title.label, max: o.title.max, value: o.initial?.title }) : null;
  const body = countedTextarea({ id: `${o.id}-body`, label: o.body.label, labelClass: 'nhsuk-label--s', hint: o.body.hint, max: o.body.max, rows: o.body.rows, value: o.initial?.body });
  const notesArea = h('div', { class: 'harbour-composer__notes' });
  const saved = h('p', { class: 'nhsuk-body-s harbour-draft-status', role: 'status', id: `${o.id}-draft-status` });
  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: o.submitText });
  // What the anonymity check found, with the choice to change the text or send it as it is.
  const checkArea = h('div', { class: 'harbour-composer__check', id: `${o.id}-check` });
  // A calm word when sending must wait (429 rate_limited): not an error, the text is fine.
  const notice = h('div', { class: 'harbour-composer__notice', id: `${o.id}-notice`, role: 'status' });
  const form = h('form', { novalidate: true, class: 'harbour-composer__form' }, o.summary ? null : summary.element, title?.group, body.group, notesArea, checkArea, notice, h('div', { class: 'harbour-composer__submit' }, submit, o.extra || null, saved));
  root.append(form);
  let notes = { value: () => o.initial?.content_notes || [], set() {}, setError() {}, group: null };

  contentNotes()
    .then((all) => {
      if (o.ctx.signal.aborted || !all.length) return;
      const checked = notes.value();
      notes = noteCheckboxes({
        id: `${o.id}-notes`,
        legend: 'Does your post mention any of these?',
        hint: `If your post mentions something others may find hard to read, choose up to ${MAX_NOTES}. Readers can choose to see a note before the post.`,
        notes: all,
        checked,
      });
      notes.onChange(scheduleSave);
      const wrap = h(
        'details',
        { class: 'nhsuk-details harbour-composer__notes-details', open: checked.length > 0 },
        h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text', text: 'Add a content note (optional)' })),
        h('div', { class: 'nhsuk-details__text' }, notes.group),
      );
      const set = notes.set;
      notes.set = (keys) => {
        set(keys);
        if (keys.length) wrap.open = true;
      };
      const setError = notes.setError;
      notes.setError = (m) => {
        setError(m);
        if (m) wrap.open = true;
      };
      notesArea.replaceChildren(wrap);
    })
    .catch(() => {
      notesArea.replaceChildren(h('p', { class: 'nhsuk-body-s', text: 'Content notes could not be loaded just now. You can still post.' }));
    });

  // ---- drafts ----
  let lastSaved = null; // JSON of what the server holds
  let timer = null;
  let sending = false;
  let done = false;
  const snapshot = () => ({ network: o.network, ...(title ? { title: title.value() } : {}), body: body.value(), content_notes: notes.value() });
  const empty = (s) => !str(s.title).trim() && !s.body.trim();
  async function saveDraft({ closing = false } = {}) {
    clearTimeout(timer);
    timer = null;
    if (done || sending || !o.draftKey) return;
    const s = snapshot();
    const json = JSON.stringify(s);
    if (json === lastSaved || (lastSaved === null && empty(s))) return;
    try {
      // keepalive only as the page closes (the browser caps such a body at 64 KiB).
      const reply = await request('PUT', `/drafts/${encodeURIComponent(o.draftKey)}`, { body: s, keepalive: closing && json.length < 60000 });
      lastSaved = json;
      if (!done) saved.textContent = savedAt(reply?.draft?.updated_at);
    } catch (err) {
      if (!done && !(err instanceof ApiError && err.code === 'invalid_draft_key')) saved.textContent = 'Your draft could not be saved just now. Keep this page open, or copy your text.';
    }
  }
  function scheduleSave() {
    if (!o.draftKey) return;
    clearTimeout(timer);
    timer = setTimeout(saveDraft, SAVE_DELAY_MS);
  }
  form.addEventListener('input', scheduleSave);
  // Advice about the words as they were; new words are checked again when sent.
  let checkedText = null;
  body.input.addEventListener('input', () => {
    // "Sent." belongs to the message before.
    if (o.afterSend === 'reset' && saved.textContent) saved.textContent = '';
    if (checkedText !== null && body.value().trim() !== checkedText) {
      checkedText = null;
      checkArea.replaceChildren();
    }
  });
  form.addEventListener('focusout', () => {
    if (timer) saveDraft();
  });
  const onHide = () => {
    if (timer) saveDraft({ closing: true });
  };
  window.addEventListener('pagehide', onHide);
  o.ctx.signal.addEventListener('abort', () => {
    window.removeEventListener('pagehide', onHide);
    if (timer) saveDraft(); // leaving within the app: keep what was typed
  });

  // The list first: asking for a draft that is not there answers 404, which browsers log.
  (o.draftKey ? getJson('/drafts', { signal: o.ctx.signal }) : Promise.resolve(null))
    .then((all) => (Array.isArray(all?.drafts) && all.drafts.some((d) => d?.key === o.draftKey) ? getJson(`/drafts/${encodeURIComponent(o.draftKey)}`, { signal: o.ctx.signal }) : null))
    .then((reply) => {
      const d = reply?.draft;
      if (!d || o.ctx.signal.aborted) return;
      // Only if the person has not started typing meanwhile.
      const typed = body.value() !== (o.initial?.body || '') || (title && title.value() !== (o.initial?.title || ''));
      if (typed) return;
      if (title && typeof d.title === 'string') title.set(d.title);
      if (typeof d.body === 'string') body.set(d.body);
      if (Array.isArray(d.content_notes)) {
        notes.set(d.content_notes);
        if (!notes.group) notes.value = () => d.content_notes;
      }
      lastSaved = JSON.stringify(snapshot());
      saved.textContent = `We kept your draft. ${savedAt(d.updated_at)}`;
    })
    .catch(() => {}); // no draft (404 draft_not_found) or none reachable: start empty

  // ---- sending ----
  const fieldFor = (err) => {
    if (!(err instanceof ApiError)) return null;
    if (err.code === 'invalid_content_note') return notes;
    if (['text_too_short', 'text_too_long', 'invalid_text', 'invalid_utf8'].includes(err.code)) return title && /title/i.test(err.message) ? title : body;
    return null;
  };
  const fail = (errors) => {
    for (const f of [title, body, notes]) f?.setError(null);
    for (const e of errors) e.field?.setError(e.message);
    summary.show(errors.map((e) => ({ message: e.message, field: e.field?.input || null })));
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const errors = [];
    if (title) {
      const n = charCount(title.value());
      if (n < 3) errors.push({ field: title, message: n === 0 ? 'Enter a title' : 'The title must be at least 3 characters' });
      else if (n > o.title.max) errors.push({ field: title, message: `The title must be ${o.title.max} characters or fewer` });
    }
    const n = charCount(body.value());
    if (n === 0) errors.push({ field: body, message: `Enter your ${o.body.noun || 'post'}` });
    else if (n > o.body.max) errors.push({ field: body, message: `Your ${o.body.noun || 'post'} must be ${o.body.max.toLocaleString('en-GB')} characters or fewer` });
    if (notes.value().length > MAX_NOTES) errors.push({ field: notes, message: `Choose ${MAX_NOTES} content notes or fewer` });
    fail(errors);
    if (errors.length || sending) return;
    notice.replaceChildren();
    clearTimeout(timer);
    timer = null;
    sending = true;
    busy(submit, true, 'Sending\u2026');
    try {
      const text = body.value().trim();
      if (o.checkIdentifying && checkedText !== text) {
        // Before sending: could this identify someone? The person chooses; nothing is sent yet.
        const found = await request('POST', `/networks/${encodeURIComponent(o.network)}/content-check`, { body: { ...(title ? { title: title.value().trim() } : {}), body: text }, signal: o.ctx.signal }).catch(() => null);
        checkedText = text;
        if (str(found?.advice)) {
          sending = false;
          busy(submit, false);
          checkArea.replaceChildren(identifyingAdvice(o, found, () => body.input.focus()));
          checkArea.querySelector('h3')?.focus();
          return;
        }
      }
      checkArea.replaceChildren();
      const payload = { ...(title ? { title: title.value().trim() } : {}), body: text, content_notes: notes.value(), ...(o.draftKey ? { draft_key: o.draftKey } : {}) };
      const reply = await o.send(payload);
      const outcome = str(reply?.moderation?.outcome);
      if (o.afterSend === 'reset' && !reply?.moderation?.crisis?.show) {
        // Ready for the next message: the box empties, the focus stays in it.
        sending = false;
        checkedText = null;
        busy(submit, false);
        body.set('');
        notes.set([]);
        saved.textContent = outcome === 'held' ? str(reply?.moderation?.message) || 'Sent. A moderator will read it before it appears.' : 'Sent.';
        body.input.focus();
        if (outcome === 'held') o.onHeld?.(reply?.post, reply?.moderation);
        else o.onPublished(reply?.post, reply?.moderation);
        return;
      }
      done = true;
      if (reply?.moderation?.crisis?.show) {
        root.replaceChildren(crisisScreen(o, reply));
        if (o.afterSend === 'reset') {
          // The box comes back, empty, when they choose.
          const again = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: `${o.id}-again`, text: 'Write another message' });
          again.addEventListener('click', () => {
            done = false;
            sending = false;
            checkedText = null;
            busy(submit, false);
            body.set('');
            notes.set([]);
            saved.textContent = '';
            root.replaceChildren(form);
            body.input.focus();
          });
          root.append(again);
        }
        root.querySelector('h2')?.focus();
        o.onHeld?.(reply.post, reply.moderation);
      } else if (outcome === 'held') {
        const heading = h('h2', { class: 'nhsuk-panel__heading', tabindex: '-1', text: o.heldHeading || 'Sent to a moderator' });
        root.replaceChildren(
          h(
            'div',
            { class: 'nhsuk-panel harbour-held-panel', id: `${o.id}-held` },
            heading,
            h('div', { class: 'nhsuk-panel__body' }, h('p', { text: str(reply.moderation.message) || 'A moderator will read this before it appears.' })),
          ),
          h('p', {}, 'You can see it, and what happens to it, in ', h('a', { href: '/account/posts', text: 'your posts' }), '.'),
        );
        heading.focus();
        o.onHeld?.(reply.post);
      } else {
        o.onPublished(reply?.post);
      }
    } catch (err) {
      sending = false;
      busy(submit, false);
      if (o.ctx.signal.aborted) return;
      o.onError?.(err);
      if (err instanceof ApiError && err.code === 'rate_limited') {
        notice.replaceChildren(insetText(h('p', { class: 'harbour-composer__wait', text: errorMessage(err) })));
        scheduleSave();
        return;
      }
      const field = fieldFor(err);
      fail([{ field, message: errorMessage(err, 'We could not send your post. Your text is still here: please try again.') }]);
      scheduleSave();
    }
  });
  return root;
}

/**
 * Shown at once, to the author alone, when what they wrote sounds like they may be at risk: the
 * server has held the post and asked a clinician to read it. Kind words, the network's crisis
 * routes (999 always first), and when the team is back if it is out of hours.
 */
function crisisScreen(o, reply) {
  const crisis = reply.moderation.crisis;
  const list = crisisContactList(o.network, o.ctx.signal, { id: `${o.id}-crisis-contacts` });
  const office = str(crisis.office_summary);
  return h(
    'div',
    { class: 'harbour-crisis-screen', id: `${o.id}-crisis`, role: 'region', 'aria-labelledby': `${o.id}-crisis-heading` },
    h('h2', { class: 'nhsuk-heading-l', id: `${o.id}-crisis-heading`, tabindex: '-1', text: 'You are not alone' }),
    h('p', { class: 'nhsuk-body-l', text: str(reply.moderation.message) }),
    office ? h('div', { class: 'nhsuk-inset-text' }, h('p', { text: office })) : null,
    h('h3', { class: 'nhsuk-heading-m', text: 'Help you can reach now' }),
    list,
    h('p', {}, 'Your post is safe: you can see it in ', h('a', { href: '/account/posts', text: 'your posts' }), '.'),
  );
}

/**
 * The anonymity check's advice: what it found (by kind, with the words), and the two ways on:
 * change the text (focus back in the box), or send it as it is (a moderator reads it first).
 */
function identifyingAdvice(o, found, backToText) {
  const headingId = `${o.id}-check-heading`;
  const change = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: `${o.id}-change`, text: 'Change my message' });
  change.addEventListener('click', backToText);
  const anyway = h('button', { class: 'nhsuk-button nhsuk-button--small', type: 'submit', id: `${o.id}-send-anyway`, text: 'Send it as it is' });
  const excerpts = (Array.isArray(found.identifying) ? found.identifying : []).map((d) => str(d?.excerpt)).filter(Boolean);
  return h(
    'div',
    { class: 'nhsuk-card nhsuk-card--warning harbour-identifying', role: 'region', 'aria-labelledby': headingId },
    h(
      'div',
      { class: 'nhsuk-card__content' },
      h('h3', { class: 'nhsuk-card__heading', id: headingId, tabindex: '-1' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Important: ' }), 'Could this identify you or someone else?'),
      h('p', { text: str(found.advice) }),
      excerpts.length ? h('ul', { class: 'nhsuk-list nhsuk-list--bullet harbour-identifying__found' }, excerpts.slice(0, 5).map((e) => h('li', {}, h('mark', { text: e })))) : null,
      h('div', { class: 'nhsuk-button-group' }, change, anyway),
    ),
  );
}

// One Post of schema/api/content.md (topic, reply, blog post or comment) as NHS.UK markup:
// author and staff badge, its state (waiting for a moderator, rejected with the reason, hidden,
// deleted), the body (server-rendered, safe HTML) collapsed behind a content note or a mute when
// the reader asked for that, support reactions, and the actions the reader may take.
// Everything but *_html goes in as text.
import { ApiError, deleteJson, errorMessage, postJson, request } from './api.js';
import { h, isolateBidi } from './dom.js';
import { busy } from './forms.js';
import { isStaffOf } from './networks.js';
import { formatDateTime } from './pages/common.js';

/** el.append without the null/false placeholders of conditional children. */
function add(el, ...kids) {
  el.append(...kids.flat().filter((k) => k !== null && k !== undefined && k !== false));
}

export const str = (v) => (typeof v === 'string' ? v : '');
export const int = (v) => (Number.isSafeInteger(v) ? v : null);
export const list = (v) => (Array.isArray(v) ? v : []);

/** An NHS.UK tag. */
export function tag(text, colour, attrs = {}) {
  return h('strong', { class: `nhsuk-tag${colour ? ` nhsuk-tag--${colour}` : ''}`, ...attrs, text });
}

/** NHS.UK breadcrumbs: [{href, text}] (the last is the parent of this page). */
export function breadcrumbs(items) {
  return h(
    'nav',
    { class: 'nhsuk-breadcrumb', 'aria-label': 'Breadcrumb' },
    h(
      'ol',
      { class: 'nhsuk-breadcrumb__list' },
      items.map((i) => h('li', { class: 'nhsuk-breadcrumb__list-item' }, h('a', { class: 'nhsuk-breadcrumb__link', href: i.href, text: i.text }))),
    ),
    // Small screens show only this: back to the parent.
    items.length
      ? h('a', { class: 'nhsuk-back-link', href: items[items.length - 1].href }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Back to ' }), items[items.length - 1].text)
      : null,
  );
}

/** NHS.UK previous/next links ("Newer topics", "Older topics"); null when there is neither. */
export function pager({ newer, older, label = 'Pages' }) {
  if (!newer && !older) return null;
  const item = (side, link) =>
    h(
      'li',
      { class: `nhsuk-pagination-item--${side}` },
      h(
        'a',
        { class: `nhsuk-pagination__link nhsuk-pagination__link--${side === 'previous' ? 'prev' : 'next'}`, href: link.href, rel: side === 'previous' ? 'prev' : 'next' },
        h('span', { class: 'nhsuk-pagination__title', text: link.text }),
      ),
    );
  return h(
    'nav',
    { class: 'nhsuk-pagination', role: 'navigation', 'aria-label': label },
    h('ul', { class: 'nhsuk-list nhsuk-pagination__list' }, newer ? item('previous', newer) : null, older ? item('next', older) : null),
  );
}

/** Where a post is read: its topic or blog post (with #post-<id> for replies and comments). */
export function postHref(post) {
  const id = int(post?.id);
  const parent = int(post?.parent_id);
  switch (post?.kind) {
    case 'topic':
      return `/forums/topic?id=${id}`;
    case 'reply':
      return parent ? `/forums/topic?id=${parent}#post-${id}` : '/forums';
    case 'blog_post':
      return `/blog/post?id=${id}`;
    case 'blog_comment':
      return parent ? `/blog/post?id=${parent}#post-${id}` : '/blog';
    case 'wall_message':
    case 'wall_reply':
      return `/wall?network=${encodeURIComponent(str(post.network) || 'default')}#post-${id}`;
    default:
      return '/';
  }
}

/** Where a {kind, id} link of a notification or search result goes (network: its community's slug). */
export function linkHref(link, network = '') {
  const id = int(link?.id);
  if (id === null) return null;
  if (link.kind === 'wall_message') return `/wall?network=${encodeURIComponent(str(network) || 'default')}#post-${id}`;
  if (link.kind === 'topic') return `/forums/topic?id=${id}`;
  if (link.kind === 'blog_post') return `/blog/post?id=${id}`;
  if (link.kind === 'resource') return `/resources/item?id=${id}`;
  return null;
}

const KIND_WORDS = { topic: 'Topic', reply: 'Reply', blog_post: 'Blog post', blog_comment: 'Comment', wall_message: 'Wall message', wall_reply: 'Wall reply' };
export function kindWords(kind) {
  return KIND_WORDS[kind] || 'Post';
}

const STATE_TAGS = {
  published: ['Published', 'green'],
  held: ['Waiting for a moderator', 'yellow'],
  rejected: ['Not published', 'red'],
  hidden: ['Hidden by a moderator', 'grey'],
  deleted: ['Deleted', 'grey'],
};
/** A post's state as a tag. */
export function stateTag(state) {
  const [text, colour] = STATE_TAGS[state] || [str(state) || 'Unknown', 'grey'];
  return tag(text, colour, { 'data-state': state });
}

/** The staff badge next to a pseudonym ("Clinician"), or null. */
export function badgeTag(author) {
  const badge = str(author?.badge);
  return badge ? tag(badge, 'blue', { class: 'nhsuk-tag nhsuk-tag--blue harbour-badge-tag' }) : null;
}

// Server-rendered HTML (cmark, raw HTML off): safe by contract. Still, anything that could run
// or load (and would break the CSP) is dropped before it reaches the page.
const DROP = 'script,style,iframe,object,embed,link,meta,base,form,input,button,textarea,select,frame,frameset,svg,math';
/** A <div> holding one *_html field of an API reply. */
export function serverHtml(html, className = 'harbour-post__body') {
  const template = document.createElement('template');
  template.innerHTML = str(html); // only ever *_html fields: see the file comment
  for (const el of template.content.querySelectorAll(DROP)) el.remove();
  for (const el of template.content.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on') || name === 'style' || name === 'srcset') el.removeAttribute(attr.name);
      if ((name === 'href' || name === 'src') && !/^(https?:|mailto:|\/|#)/i.test(attr.value.trim())) el.removeAttribute(attr.name);
    }
    if (el.tagName === 'A' && /^https?:/i.test(el.getAttribute('href') || '')) {
      const url = new URL(el.getAttribute('href'), window.location.href);
      if (url.origin !== window.location.origin) el.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  }
  isolateBidi(template.content);
  const div = h('div', { class: className });
  div.append(template.content);
  return div;
}

/** An NHS.UK details element: summary text, then the content. */
export function details(summary, content, attrs = {}) {
  return h(
    'details',
    { class: 'nhsuk-details', ...attrs },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text', text: summary })),
    h('div', { class: 'nhsuk-details__text' }, content),
  );
}

/** An NHS.UK warning callout. */
export function warningCallout(heading, ...content) {
  return h(
    'div',
    { class: 'nhsuk-card nhsuk-card--warning' },
    h(
      'div',
      { class: 'nhsuk-card__content' },
      h('h3', { class: 'nhsuk-card__heading' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Important: ' }), heading),
      ...content,
    ),
  );
}

const REACTIONS = [
  ['support', 'Sending support'],
  ['me_too', 'Me too'],
  ['thank_you', 'Thank you'],
];

function reactionsBlock(post) {
  const counts = post.reactions && typeof post.reactions === 'object' ? post.reactions : {};
  const mine = new Set(list(post.my_reactions));
  const box = h('div', { class: 'harbour-reactions' });
  const status = h('p', { class: 'harbour-list-status harbour-reactions__status', role: 'status' });
  if (post.can_react !== true) {
    const any = REACTIONS.filter(([k]) => (int(counts[k]) || 0) > 0);
    if (!any.length) return null;
    box.append(h('p', { class: 'nhsuk-body-s harbour-reactions__summary', text: any.map(([k, label]) => `${label}: ${counts[k]}`).join(' \u00b7 ') }));
    return box;
  }
  const group = h('div', { class: 'harbour-reactions__buttons', role: 'group', 'aria-label': 'Support reactions' });
  const buttons = new Map();
  const paint = (c, m) => {
    for (const [k, label] of REACTIONS) {
      const b = buttons.get(k);
      b.setAttribute('aria-pressed', m.has(k) ? 'true' : 'false');
      b.replaceChildren(label, h('span', { class: 'harbour-reaction__count', text: String(int(c[k]) || 0) }));
    }
  };
  for (const [k] of REACTIONS) {
    const b = h('button', { class: 'harbour-reaction', type: 'button', 'data-reaction': k });
    buttons.set(k, b);
    b.addEventListener('click', async () => {
      const on = b.getAttribute('aria-pressed') !== 'true';
      b.disabled = true;
      try {
        const path = `/posts/${post.id}/reactions/${k}`;
        const reply = on ? await request('PUT', path, { body: {} }) : await deleteJson(path);
        paint(reply?.reactions || counts, new Set(list(reply?.my_reactions)));
        status.textContent = '';
      } catch (err) {
        status.textContent = errorMessage(err, 'We could not save that just now. Please try again.');
      } finally {
        b.disabled = false;
      }
    });
    group.append(b);
  }
  paint(counts, mine);
  box.append(group, status);
  return box;
}

/** A small inline form: a reason and a button (hiding and showing posts again). */
function reasonForm({ id, label, hint, button, warning, send }) {
  const error = h('p', { class: 'nhsuk-error-message harbour-inline-problem', id: `${id}-error` });
  const textarea = h('textarea', { class: 'nhsuk-textarea', id, name: id, rows: '2', 'aria-describedby': `${id}-hint ${id}-error` });
  const submit = h('button', { class: `nhsuk-button nhsuk-button--small${warning ? ' nhsuk-button--warning' : ' nhsuk-button--secondary'}`, type: 'submit', text: button });
  const form = h(
    'form',
    { novalidate: true, class: 'harbour-reason-form' },
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: id, text: label }), h('div', { class: 'nhsuk-hint', id: `${id}-hint`, text: hint }), error, textarea),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = textarea.value.trim();
    const n = [...reason].length;
    if (n < 3 || n > 500) {
      error.textContent = n < 3 ? 'Enter a reason of at least 3 characters' : 'The reason must be 500 characters or fewer';
      textarea.classList.add('nhsuk-textarea--error');
      textarea.focus();
      return;
    }
    error.textContent = '';
    textarea.classList.remove('nhsuk-textarea--error');
    busy(submit, true, 'Saving\u2026');
    try {
      await send(reason);
    } catch (err) {
      error.textContent = errorMessage(err);
      busy(submit, false);
    }
  });
  return form;
}

/**
 * A post as an <article>.
 * @param {any} post
 * @param {{session: any, heading?: 'h2'|'h3'|'h4'|null, showTitle?: boolean, refresh?: () => void,
 *   editable?: boolean, actions?: Node[], onGone?: (post: any) => void,
 *   hideWords?: {summary: string, button: string, hint: string}, deleteQuestion?: string, reportLabel?: string}} o
 *   heading: the element for the author line (null: a paragraph, when the page's h1 is the
 *   post's title); refresh: show the page again (after a mute); editable: show Edit and Delete
 *   (not on moderation pages); actions: more items at the start of the action list (the Wall's
 *   Reply); onGone: called instead of showing the post again once its author deleted it or a
 *   moderator hid it (the Wall removes it); hideWords, deleteQuestion, reportLabel: other words
 */
export function renderPost(post, o) {
  const session = o.session;
  const id = int(post.id);
  const me = session?.user?.id;
  const author = post.author && typeof post.author === 'object' ? post.author : {};
  const mine = me !== undefined && author.id === me;
  const staffViewer = isStaffOf(session, str(post.network));
  const state = str(post.state) || 'published';
  const article = h('article', { class: `harbour-post harbour-post--${state}`, id: `post-${id}`, 'data-post-id': String(id), 'data-state': state });

  const name = str(author.pseudonym) || 'A former member';
  const when = formatDateTime(post.published_at || post.created_at);
  const headingTag = o.heading || 'p';
  const title = o.showTitle && str(post.title) ? h(o.heading === 'h3' ? 'h4' : 'h3', { class: 'nhsuk-heading-s harbour-post__title', text: post.title }) : null;
  const head = h(
    'div',
    { class: 'harbour-post__head' },
    h(
      headingTag,
      { class: 'harbour-post__author' },
      h('span', { class: 'harbour-post__name', text: name }),
      badgeTag(author) ? [' ', badgeTag(author)] : null,
      mine ? h('span', { class: 'harbour-post__you', text: ' (you)' }) : null,
    ),
    h(
      'p',
      { class: 'harbour-post__when' },
      when ? h('time', { datetime: str(post.published_at || post.created_at), text: when }) : null,
      post.edited_at ? ' (edited)' : null,
    ),
    state !== 'published' ? h('p', { class: 'harbour-post__state' }, stateTag(state)) : null,
  );
  add(article, head, title);

  const notes = list(post.content_notes).filter((n) => n && str(n.label));
  const body = () => {
    const parts = [];
    if (notes.length && !post.collapsed) {
      parts.push(h('p', { class: 'harbour-post__notes' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Content notes: ' }), notes.map((n) => [tag(n.label, 'orange'), ' '])));
    }
    parts.push(serverHtml(post.body_html));
    return parts;
  };

  if (state === 'deleted') {
    add(article, h('p', { class: 'harbour-post__gone', text: 'This post was deleted by its author.' }));
  } else if (state === 'hidden' && !str(post.body_html)) {
    add(article, h('p', { class: 'harbour-post__gone', text: 'Hidden by a moderator.' }), reasonLine(post));
  } else {
    if (state === 'held') {
      add(article, 
        h('p', {
          class: 'harbour-post__notice',
          text: mine
            ? 'A moderator will read this before it appears. Until then, only you and the moderators can see it.'
            : 'This post is waiting for a moderator. Members cannot see it yet.',
        }),
      );
    } else if (state === 'rejected') {
      add(article, 
        warningCallout(
          mine ? 'A moderator did not publish this post' : 'Not published',
          h('p', { text: mine ? 'Thank you for writing it. The moderator said:' : 'The reason given:' }),
          h('p', { class: 'harbour-post__reason', text: str(post.state_reason) || 'No reason was given.' }),
          mine ? h('p', {}, h('a', { href: `/posts/edit?id=${id}`, class: 'harbour-post__resubmit', text: 'Edit and resubmit' })) : null,
        ),
      );
    } else if (state === 'hidden') {
      add(article, h('p', { class: 'harbour-post__notice', text: 'Hidden by a moderator. Only moderators can read it.' }), reasonLine(post));
    }
    if (author.muted === true && !mine) {
      add(article, details('You muted this member \u2014 show', body(), { class: 'nhsuk-details harbour-post__muted' }));
    } else if (post.collapsed === true && notes.length) {
      add(article, details(`Content note: ${notes.map((n) => n.label).join(', ')} \u2014 show post`, body(), { class: 'nhsuk-details harbour-post__collapsed' }));
    } else {
      add(article, ...body());
    }
  }

  if (state === 'published') {
    const reactions = reactionsBlock(post);
    if (reactions) add(article, reactions);
  }
  add(article, actionsBlock(post, { ...o, article, mine, staffViewer, author, id, state }));
  return article;
}

function reasonLine(post) {
  return str(post.state_reason) ? h('p', { class: 'nhsuk-body-s harbour-post__reason' }, 'Reason: ', post.state_reason) : null;
}

function actionsBlock(post, o) {
  const { article, mine, staffViewer, author, id, state } = o;
  const items = [...(o.actions || [])];
  const swap = (next) => {
    if (o.onGone && next && typeof next === 'object' && (next.state === 'deleted' || next.state === 'hidden')) {
      o.onGone(next);
      return;
    }
    if (next && typeof next === 'object') {
      const fresh = renderPost(next, o);
      article.replaceWith(fresh);
      fresh.querySelector('.harbour-post__name')?.closest('.harbour-post__head')?.setAttribute('tabindex', '-1');
      fresh.querySelector('.harbour-post__head')?.focus();
    }
  };
  const confirmArea = h('div', { class: 'harbour-post__confirm' });
  if (o.editable !== false && post.can_edit === true && state !== 'deleted') {
    items.push(h('a', { href: `/posts/edit?id=${id}`, class: 'harbour-post__edit' }, 'Edit', h('span', { class: 'nhsuk-u-visually-hidden', text: ` your ${kindWords(post.kind).toLowerCase()}` })));
  }
  if (o.editable !== false && post.can_delete === true && state !== 'deleted') {
    const del = h('button', { type: 'button', class: 'harbour-link-button harbour-post__delete', text: 'Delete' });
    del.addEventListener('click', () => {
      const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning nhsuk-button--small', type: 'button', text: 'Yes, delete it' });
      const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', text: 'Cancel' });
      const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
      const q = h('p', { class: 'harbour-post__question', tabindex: '-1', text: o.deleteQuestion || 'Delete this post? Others will see that it was deleted.' });
      no.addEventListener('click', () => {
        confirmArea.replaceChildren();
        del.focus();
      });
      yes.addEventListener('click', async () => {
        busy(yes, true, 'Deleting\u2026');
        try {
          const reply = await deleteJson(`/posts/${id}`);
          swap(reply?.post);
        } catch (err) {
          busy(yes, false);
          problem.textContent = errorMessage(err);
        }
      });
      confirmArea.replaceChildren(q, problem, h('div', { class: 'nhsuk-button-group' }, yes, no));
      q.focus();
    });
    items.push(del);
  }
  if (o.editable !== false && !mine && !str(author.badge) && int(author.id) !== null && author.muted !== true && o.session) {
    const mute = h('button', { type: 'button', class: 'harbour-link-button harbour-post__mute' }, 'Mute this member', h('span', { class: 'nhsuk-u-visually-hidden', text: ` (${str(author.pseudonym)})` }));
    mute.addEventListener('click', async () => {
      mute.disabled = true;
      try {
        await request('PUT', `/account/mutes/${author.id}`, { body: {} });
        o.onMuted?.(str(author.pseudonym));
      } catch (err) {
        mute.disabled = false;
        confirmArea.replaceChildren(h('p', { class: 'nhsuk-error-message', role: 'alert', text: errorMessage(err) }));
      }
    });
    items.push(mute);
  }
  // Reporting: anyone who can read it but its author. Who reported is never shown to the author.
  if (o.editable !== false && !mine && o.session && state === 'published' && id !== null) {
    items.push(details(o.reportLabel || 'Report this post', reportForm(id), { class: 'nhsuk-details harbour-post__report' }));
  }
  const staffTools = [];
  if (staffViewer && (state === 'published' || state === 'hidden')) {
    const hiding = state === 'published';
    const words = hiding && o.hideWords ? o.hideWords : null;
    staffTools.push(
      details(
        words ? words.summary : hiding ? 'Hide this post (moderators)' : 'Show this post again (moderators)',
        reasonForm({
          id: `${hiding ? 'hide' : 'unhide'}-reason-${id}`,
          label: 'Reason',
          hint: words ? words.hint : hiding ? 'The author will see this reason. It is kept in the audit log.' : 'Kept in the audit log.',
          button: words ? words.button : hiding ? 'Hide post' : 'Show post again',
          warning: hiding,
          send: async (reason) => swap((await postJson(`/posts/${id}/${hiding ? 'hide' : 'unhide'}`, { reason }))?.post),
        }),
        { class: 'nhsuk-details harbour-post__staff' },
      ),
    );
  }
  if (!items.length && !staffTools.length) return h('div', { class: 'harbour-post__actions' }, confirmArea);
  return h(
    'div',
    { class: 'harbour-post__actions' },
    items.length ? h('ul', { class: 'harbour-post__action-list' }, items.map((i) => h('li', {}, i))) : null,
    confirmArea,
    staffTools,
  );
}

const REPORT_REASONS = [
  ['unkind', 'It is unkind or hurtful'],
  ['identifying', 'It could identify someone'],
  ['unsafe', 'I am worried it is unsafe'],
  ['spam', 'It is spam or advertising'],
  ['other', 'Something else'],
];

/** Report a post: a reason from the list and an optional note for the moderators. */
function reportForm(id) {
  const legendId = `report-${id}-legend`;
  const error = h('p', { class: 'nhsuk-error-message harbour-inline-problem', id: `report-${id}-error`, role: 'alert' });
  const radios = REPORT_REASONS.map(([value, label], i) =>
    h('div', { class: 'nhsuk-radios__item' }, h('input', { class: 'nhsuk-radios__input', id: `report-${id}-${i}`, name: `report-${id}`, type: 'radio', value }), h('label', { class: 'nhsuk-label nhsuk-radios__label', for: `report-${id}-${i}`, text: label })),
  );
  const note = h('textarea', { class: 'nhsuk-textarea', id: `report-${id}-note`, name: 'note', rows: '2', 'aria-describedby': `report-${id}-note-hint` });
  const submit = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'submit', text: 'Send report' });
  const form = h(
    'form',
    { novalidate: true, class: 'harbour-report-form' },
    h('p', { class: 'nhsuk-body-s', text: 'A moderator will look at it. The author is not told who reported it.' }),
    h('div', { class: 'nhsuk-form-group' }, h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': error.id }, h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', id: legendId, text: 'Why are you reporting it?' }), error, h('div', { class: 'nhsuk-radios nhsuk-radios--small' }, radios))),
    h('div', { class: 'nhsuk-form-group' }, h('label', { class: 'nhsuk-label', for: note.id, text: 'Anything the moderators should know (optional)' }), h('div', { class: 'nhsuk-hint', id: `report-${id}-note-hint`, text: 'Up to 1000 characters.' }), note),
    submit,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const reason = form.querySelector(`input[name="report-${id}"]:checked`)?.value;
    if (!reason) {
      error.textContent = 'Choose why you are reporting this post';
      form.querySelector('input[type="radio"]')?.focus();
      return;
    }
    if ([...note.value.trim()].length > 1000) {
      error.textContent = 'The note must be 1000 characters or fewer';
      note.focus();
      return;
    }
    error.textContent = '';
    busy(submit, true, 'Sending\u2026');
    try {
      await postJson(`/posts/${id}/report`, note.value.trim() ? { reason, note: note.value.trim() } : { reason });
      const done = h('p', { class: 'harbour-report-done', role: 'status', tabindex: '-1', text: 'Thank you. A moderator will look at this post.' });
      form.replaceWith(done);
      done.focus();
    } catch (err) {
      busy(submit, false);
      error.textContent = err instanceof ApiError && err.code === 'already_reported' ? 'You have reported this post already. A moderator will look at it.' : errorMessage(err);
    }
  });
  return form;
}

/** True when an error means "you may not see this / it is not there". */
export function isNotFound(err) {
  return err instanceof ApiError && err.status === 404;
}

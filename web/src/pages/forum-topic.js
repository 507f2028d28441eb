// /forums/topic?id=<id>&after=<reply id>: a topic and its replies (50 a page), support
// reactions, the reply box, and for staff of the network: pin, lock, move (with a reason).
// After showing, the last reply seen is recorded (PUT /topics/{id}/read).
import { getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy, errorSummary, selectField, textareaField } from '../forms.js';
import { composer } from '../composer.js';
import { isStaffOf, rememberNetwork } from '../networks.js';
import { breadcrumbs, int, list, pager, renderPost, str, tag } from '../post-view.js';
import { idParam, loadingLine, showProblem, startPage, withParams } from './content-common.js';
import { whenSignedIn } from './common.js';

export const forumTopicPage = {
  title: 'Topic',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Topic', before: [takeFlashBanner(), summary.element] });
    page.summary = summary;
    const id = idParam(ctx.url);
    const after = idParam(ctx.url, 'after');
    whenSignedIn(ctx, page.area, (session) => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this topic' });
      page.area.replaceChildren(loadingLine('Loading the topic\u2026'));
      getJson(`/topics/${id}${after ? `?after=${after}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, session, id, after, data))
        .catch((err) => showProblem(page, err, { what: 'this topic', notFoundTitle: 'Topic not found', back: { href: '/forums', text: 'Back to the forums' } }));
    });
  },
};

function show(page, session, id, after, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const topic = data?.topic || {};
  const category = data?.category || {};
  const network = str(topic.network);
  rememberNetwork(network);
  const title = str(topic.title) || 'Topic';
  heading.textContent = title;
  ctx.setTitle(title);
  page.top.prepend(
    breadcrumbs([
      { href: `/forums?network=${encodeURIComponent(network || 'default')}`, text: 'Forums' },
      { href: `/forums/category?id=${int(category.id)}`, text: str(category.name) || 'Forum' },
    ]),
  );
  const refresh = (who) => {
    setFlash(`You muted ${who}.`, 'Their posts are folded away for you, and they will not cause you notifications. You can undo this in your account.');
    ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
  };
  const replies = list(data?.replies);
  const nextAfter = int(data?.next_after);
  const staff = isStaffOf(session, network);
  const tags = [topic.pinned === true ? tag('Pinned', 'white') : null, topic.locked === true ? tag('Locked', 'grey') : null].filter(Boolean);

  setChildren(
    area,
    tags.length ? h('p', { class: 'harbour-topic-tags' }, tags.map((t) => [t, ' '])) : null,
    after ? h('p', {}, h('a', { href: withParams(ctx.url, { after: null }), text: 'Back to the start of this topic' })) : renderPost(topic, { session, heading: null, onMuted: refresh }),
    h('h2', { class: 'nhsuk-heading-m harbour-replies-heading', id: 'replies-heading', text: replyCountText(topic, replies) }),
    replies.length
      ? h('ol', { class: 'nhsuk-list harbour-replies', 'aria-labelledby': 'replies-heading' }, replies.map((r) => h('li', {}, renderPost(r, { session, heading: 'h3', onMuted: refresh }))))
      : h('p', { id: 'no-replies', text: after ? 'There are no later replies.' : 'Nobody has replied yet.' }),
    pager({
      label: 'Replies',
      newer: after ? { href: withParams(ctx.url, { after: null }), text: 'Earlier replies' } : null,
      older: nextAfter ? { href: withParams(ctx.url, { after: nextAfter }), text: 'Later replies' } : null,
    }),
    replyBox(page, session, topic, nextAfter),
    staff ? staffTools(page, topic, network) : null,
  );
  if (ctx.url.hash) document.getElementById(ctx.url.hash.slice(1))?.scrollIntoView();

  // Mark as read up to the last post shown.
  const lastSeen = Math.max(int(topic.id) || 0, ...replies.map((r) => int(r.id) || 0));
  if (topic.state === 'published' && lastSeen > (int(data?.last_read_id) || 0)) {
    request('PUT', `/topics/${id}/read`, { body: { last_read_id: lastSeen } }).catch(() => {});
  }
}

function replyCountText(topic, replies) {
  const n = int(topic.reply_count);
  if (n === null) return 'Replies';
  return n === 1 ? '1 reply' : `${n} replies`;
}

function replyBox(page, session, topic, nextAfter) {
  const { ctx } = page;
  const section = h('section', { class: 'harbour-reply-box', 'aria-labelledby': 'reply-heading' }, h('h2', { class: 'nhsuk-heading-m', id: 'reply-heading', text: 'Reply' }));
  if (topic.state !== 'published') {
    section.append(h('p', { text: 'You can reply once this topic has been published.' }));
    return section;
  }
  if (topic.locked === true && !isStaffOf(session, str(topic.network))) {
    section.append(h('div', { class: 'nhsuk-inset-text' }, h('p', { text: 'This topic is closed to new replies. You can still read it, and start a new topic.' })));
    return section;
  }
  if (nextAfter) {
    section.append(h('p', {}, 'There are later replies. ', h('a', { href: withParams(ctx.url, { after: nextAfter }), text: 'Read the later replies' }), ' before you reply.'));
  }
  section.append(
    composer({
      id: 'reply',
      ctx,
      summary: page.summary,
      network: str(topic.network),
      draftKey: `reply-${topic.id}`,
      title: null,
      body: { label: 'Your reply', noun: 'reply', max: 10000, rows: 6, hint: 'Be kind. Share your own experience rather than advice. Do not include details that could identify you or others.' },
      submitText: 'Post reply',
      send: (payload) => request('POST', `/topics/${topic.id}/replies`, { body: payload }),
      onPublished: (post) => {
        setFlash('Your reply is published.', 'Thank you for sharing.');
        const target = new URL(ctx.url.href);
        target.hash = post?.id ? `post-${post.id}` : '';
        ctx.navigate(target.pathname + target.search + target.hash, { force: true });
      },
    }),
  );
  return section;
}

/** Pin, lock or move the topic, with a reason for the audit log (staff of the network). */
function staffTools(page, topic, network) {
  const { ctx } = page;
  const summary = errorSummary();
  const reason = textareaField({ id: 'topic-reason', label: 'Reason', hint: 'Kept in the audit log. Members do not see it.', rows: 2 });
  const moveArea = h('div');
  let move = null;
  getJson(`/networks/${encodeURIComponent(network)}/categories`, { signal: ctx.signal })
    .then((d) => {
      const cats = list(d?.categories);
      move = selectField({ id: 'topic-category', label: 'Forum', options: cats.map((c) => ({ value: String(c.id), label: str(c.name) })), selected: String(topic.category_id) });
      moveArea.replaceChildren(move.group);
    })
    .catch(() => {});
  const act = async (button, change, busyText) => {
    const why = reason.value().trim();
    const n = [...why].length;
    if (n < 3 || n > 500) {
      const message = n < 3 ? 'Enter a reason of at least 3 characters' : 'The reason must be 500 characters or fewer';
      reason.setError(message);
      summary.show([{ field: reason.input, message }]);
      return;
    }
    reason.setError(null);
    summary.show([]);
    busy(button, true, busyText);
    try {
      await request('PATCH', `/topics/${topic.id}`, { body: { ...change, reason: why } });
      setFlash('The topic is updated.', 'The change is recorded in the audit log.');
      ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
    } catch (err) {
      busy(button, false);
      summary.show([{ message: err?.message || 'We could not change the topic. Please try again.' }]);
    }
  };
  const pin = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'topic-pin', text: topic.pinned ? 'Unpin' : 'Pin to the top' });
  const lock = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'topic-lock', text: topic.locked ? 'Reopen for replies' : 'Lock (no new replies)' });
  const moveButton = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', id: 'topic-move', text: 'Move to this forum' });
  pin.addEventListener('click', () => act(pin, { pinned: !topic.pinned }, 'Saving\u2026'));
  lock.addEventListener('click', () => act(lock, { locked: !topic.locked }, 'Saving\u2026'));
  moveButton.addEventListener('click', () => {
    if (move && Number(move.value()) !== topic.category_id) act(moveButton, { category_id: Number(move.value()) }, 'Moving\u2026');
  });
  return h(
    'details',
    { class: 'nhsuk-details harbour-staff-tools', id: 'topic-staff-tools' },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text', text: 'Moderator tools for this topic' })),
    h('div', { class: 'nhsuk-details__text' }, summary.element, reason.group, h('div', { class: 'nhsuk-button-group' }, pin, lock), moveArea, moveButton),
  );
}

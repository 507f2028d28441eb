// /forums/category?id=<id>&before=<cursor>: one category's topics, pinned first, 25 a page
// (keyset: "Older topics" carries the server's cursor), and "Start a topic" when the person may.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { rememberNetwork } from '../networks.js';
import { formatDateTime } from './common.js';
import { badgeTag, breadcrumbs, int, list, pager, stateTag, str, tag } from '../post-view.js';
import { audienceTag } from './forums.js';
import { idParam, loadingLine, showProblem, startPage, withParams } from './content-common.js';
import { whenSignedIn } from './common.js';

export const forumCategoryPage = {
  title: 'Forum',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Forum', before: [takeFlashBanner()] });
    const id = idParam(ctx.url);
    const before = ctx.url.searchParams.get('before') || '';
    whenSignedIn(ctx, page.area, () => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this forum' });
      page.area.replaceChildren(loadingLine('Loading topics\u2026'));
      const qs = before ? `?before=${encodeURIComponent(before)}` : '';
      getJson(`/categories/${id}/topics${qs}`, { signal: ctx.signal })
        .then((data) => show(page, id, before, data))
        .catch((err) => showProblem(page, err, { what: 'this forum', notFoundTitle: 'Forum not found', back: { href: '/forums', text: 'Back to the forums' } }));
    });
  },
};

/** One topic in a list: its title as a link, tags, who started it, replies and last activity. */
export function topicItem(t) {
  const id = int(t.id);
  const replies = int(t.reply_count) || 0;
  const last = formatDateTime(t.last_activity_at || t.published_at || t.created_at);
  const state = str(t.state);
  return h(
    'li',
    { class: 'harbour-topic', 'data-topic-id': String(id) },
    h(
      'h3',
      { class: 'nhsuk-heading-s harbour-topic__title' },
      h('a', { href: `/forums/topic?id=${id}`, text: str(t.title) }),
      t.unread === true ? [' ', tag('New', 'blue', { class: 'nhsuk-tag nhsuk-tag--blue harbour-topic__new' })] : null,
      t.pinned === true ? [' ', tag('Pinned', 'white')] : null,
      t.locked === true ? [' ', tag('Locked', 'grey')] : null,
      state && state !== 'published' ? [' ', stateTag(state)] : null,
    ),
    str(t.excerpt) ? h('p', { class: 'harbour-topic__excerpt', text: t.excerpt }) : null,
    h(
      'p',
      { class: 'nhsuk-body-s harbour-topic__meta' },
      'Started by ',
      h('span', { class: 'harbour-topic__author', text: str(t.author?.pseudonym) || 'a former member' }),
      badgeTag(t.author) ? [' ', badgeTag(t.author)] : null,
      ` \u00b7 ${replies} ${replies === 1 ? 'reply' : 'replies'}`,
      last ? ` \u00b7 Last activity ${last}` : null,
    ),
  );
}

function show(page, id, before, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const c = data?.category || {};
  const name = str(c.name) || 'Forum';
  heading.textContent = name;
  ctx.setTitle(name);
  rememberNetwork(str(c.network));
  const pinned = list(data?.pinned);
  const topics = list(data?.topics);
  const next = typeof data?.next_before === 'string' || Number.isSafeInteger(data?.next_before) ? String(data.next_before) : '';
  const start = c.can_post === true ? h('a', { class: 'nhsuk-button', id: 'start-topic', href: `/forums/new-topic?category=${id}`, draggable: 'false', text: 'Start a topic' }) : null;
  setChildren(
    area,
    str(c.description) ? h('p', { class: 'nhsuk-lede-text', text: c.description }) : null,
    audienceTag(c) ? h('p', {}, audienceTag(c)) : null,
    start,
    c.can_post === true ? null : h('p', { class: 'nhsuk-body-s', text: 'You can read the topics here. Starting topics here is for others.' }),
    pinned.length && !before ? [h('h2', { class: 'nhsuk-heading-m', text: 'Pinned' }), h('ul', { class: 'nhsuk-list harbour-topics', id: 'pinned-topics' }, pinned.map(topicItem))] : null,
    h('h2', { class: 'nhsuk-heading-m', text: before ? 'Older topics' : 'Topics' }),
    topics.length ? h('ul', { class: 'nhsuk-list harbour-topics', id: 'topics' }, topics.map(topicItem)) : h('p', { text: before ? 'There are no older topics.' : 'Nobody has started a topic here yet.' }),
    pager({
      label: 'Topics',
      newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest topics' } : null,
      older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older topics' } : null,
    }),
  );
  page.top.prepend(breadcrumbs([{ href: `/forums?network=${encodeURIComponent(str(c.network) || 'default')}`, text: 'Forums' }]));
}

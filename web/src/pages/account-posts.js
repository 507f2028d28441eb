// /account/posts: everything the person has written, in every state, with the moderator's reason
// and "Edit and resubmit" for posts that were not published.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { breadcrumbs, int, kindWords, list, pager, postHref, stateTag, str } from '../post-view.js';
import { formatDateTime, whenSignedIn } from './common.js';
import { loadingLine, showProblem, startPage, withParams } from './content-common.js';

export const accountPostsPage = {
  title: 'Your posts',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Your posts', before: [takeFlashBanner(), breadcrumbs([{ href: '/account', text: 'Your account' }])] });
    const raw = ctx.url.searchParams.get('before') || '';
    const before = /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
    whenSignedIn(ctx, page.area, () => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/account/posts${before ? `?before=${before}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, before, data))
        .catch((err) => showProblem(page, err, { what: 'your posts' }));
    });
  },
};

function show(page, before, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const posts = list(data?.posts);
  const next = int(data?.next_before);
  const item = (p) => {
    const state = str(p.state);
    const visible = state === 'published' || state === 'held' || state === 'rejected' || state === 'hidden';
    const label = str(p.title) || str(p.excerpt).slice(0, 80) || kindWords(p.kind);
    return h(
      'li',
      { class: 'harbour-my-post', 'data-post-id': String(int(p.id)), 'data-state': state },
      h('h2', { class: 'nhsuk-heading-s harbour-my-post__title' }, visible && state !== 'rejected' ? h('a', { href: postHref(p), text: label }) : label),
      h('p', { class: 'harbour-my-post__meta nhsuk-body-s' }, stateTag(state), ` ${kindWords(p.kind)}`, formatDateTime(p.created_at) ? ` \u00b7 ${formatDateTime(p.created_at)}` : null),
      str(p.title) && str(p.excerpt) ? h('p', { class: 'harbour-my-post__excerpt', text: p.excerpt }) : null,
      state === 'held' ? h('p', { class: 'nhsuk-body-s', text: 'A moderator will read this before it appears.' }) : null,
      state === 'rejected'
        ? [h('p', { class: 'harbour-post__reason' }, 'The moderator said: ', str(p.state_reason) || 'No reason was given.'), h('p', {}, h('a', { href: `/posts/edit?id=${int(p.id)}`, class: 'harbour-post__resubmit', text: 'Edit and resubmit' }))]
        : null,
      state === 'hidden' && str(p.state_reason) ? h('p', { class: 'harbour-post__reason' }, 'Hidden by a moderator: ', p.state_reason) : null,
    );
  };
  setChildren(
    area,
    h('p', { class: 'nhsuk-lede-text', text: 'Everything you have written, and what happened to it.' }),
    posts.length ? h('ul', { class: 'nhsuk-list harbour-my-posts', id: 'my-posts' }, posts.map(item)) : h('p', { text: before ? 'There are no older posts.' : 'You have not written anything yet.' }),
    pager({ label: 'Your posts', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest posts' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older posts' } : null }),
  );
}

// /blog?network=<slug>&before=<id>: blog posts from staff and recovery stories from members;
// "Write your story" (members) or "Write a blog post" (staff).
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { formatDateTime } from './common.js';
import { badgeTag, int, list, pager, stateTag, str } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork, withParams } from './content-common.js';

export const blogPage = {
  title: 'Blog and stories',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Blog and stories', before: [takeFlashBanner()] });
    const before = ctx.url.searchParams.get('before') || '';
    withNetwork(page, (session, network) => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      const qs = /^[1-9][0-9]{0,15}$/.test(before) ? `?before=${before}` : '';
      getJson(`/networks/${encodeURIComponent(network.slug)}/blog${qs}`, { signal: ctx.signal })
        .then((data) => show(page, session, network, qs !== '', data))
        .catch((err) => showProblem(page, err, { what: 'the blog' }));
    });
  },
};

function show(page, session, network, paged, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const posts = list(data?.posts);
  const next = int(data?.next_before);
  const staff = isStaffOf(session, network.slug);
  const write = staff
    ? h('a', { class: 'nhsuk-button', href: `/blog/new?network=${encodeURIComponent(network.slug)}`, id: 'blog-write', draggable: 'false', text: 'Write a blog post' })
    : h(
        'div',
        { class: 'nhsuk-card harbour-story-invite' },
        h(
          'div',
          { class: 'nhsuk-card__content' },
          h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m', text: 'Share your recovery story' }),
          h('p', { class: 'nhsuk-card__description', text: 'Your story could help someone who is where you were. Every story is read by a moderator before it appears, so take your time.' }),
          h('a', { class: 'nhsuk-button nhsuk-u-margin-bottom-0', href: `/blog/new?network=${encodeURIComponent(network.slug)}`, id: 'blog-write', draggable: 'false', text: 'Write your story' }),
        ),
      );
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/blog?network=${encodeURIComponent(slug)}`),
    h('p', { class: 'nhsuk-lede-text', text: 'Posts from the team, and stories of recovery from members.' }),
    write,
    h('h2', { class: 'nhsuk-heading-m', text: paged ? 'Older posts' : 'Latest' }),
    posts.length
      ? h(
          'ul',
          { class: 'nhsuk-list harbour-blog-list', id: 'blog-posts' },
          posts.map((p) =>
            h(
              'li',
              { class: 'harbour-blog-item', 'data-post-id': String(int(p.id)) },
              h('h3', { class: 'nhsuk-heading-s' }, h('a', { href: `/blog/post?id=${int(p.id)}`, text: str(p.title) }), p.state && p.state !== 'published' ? [' ', stateTag(p.state)] : null),
              h('p', { class: 'nhsuk-body-s harbour-blog-item__meta' }, h('span', { text: str(p.author?.pseudonym) || 'A former member' }), badgeTag(p.author) ? [' ', badgeTag(p.author)] : null, formatDateTime(p.published_at || p.created_at) ? ` \u00b7 ${formatDateTime(p.published_at || p.created_at)}` : null),
              str(p.excerpt) ? h('p', { text: p.excerpt }) : null,
            ),
          ),
        )
      : h('p', { text: paged ? 'There are no older posts.' : 'Nothing has been posted here yet.' }),
    pager({ label: 'Blog pages', newer: paged ? { href: withParams(ctx.url, { before: null }), text: 'Newest posts' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older posts' } : null }),
  );
}

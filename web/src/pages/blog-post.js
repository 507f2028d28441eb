// /blog/post?id=<id>&after=<comment id>: a blog post or story, its comments and the comment box.
import { getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { errorSummary } from '../forms.js';
import { composer } from '../composer.js';
import { rememberNetwork } from '../networks.js';
import { breadcrumbs, int, list, pager, renderPost, str } from '../post-view.js';
import { idParam, loadingLine, showProblem, startPage, withParams } from './content-common.js';
import { whenSignedIn } from './common.js';

export const blogPostPage = {
  title: 'Blog',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Blog', before: [takeFlashBanner(), summary.element] });
    const id = idParam(ctx.url);
    const after = idParam(ctx.url, 'after');
    whenSignedIn(ctx, page.area, (session) => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this post' });
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/blog-posts/${id}${after ? `?after=${after}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, session, summary, after, data))
        .catch((err) => showProblem(page, err, { what: 'this post', notFoundTitle: 'Post not found', back: { href: '/blog', text: 'Back to the blog' } }));
    });
  },
};

function show(page, session, summary, after, data) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const post = data?.post || {};
  const network = str(post.network);
  rememberNetwork(network);
  heading.textContent = str(post.title) || 'Blog post';
  ctx.setTitle(str(post.title) || 'Blog post');
  page.top.prepend(breadcrumbs([{ href: `/blog?network=${encodeURIComponent(network)}`, text: 'Blog and stories' }]));
  const comments = list(data?.comments);
  const nextAfter = int(data?.next_after);
  const refresh = (who) => {
    setFlash(`You muted ${who}.`, 'Their posts are folded away for you. You can undo this in your account.');
    ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
  };
  const box = h('section', { class: 'harbour-reply-box', 'aria-labelledby': 'comment-heading' }, h('h2', { class: 'nhsuk-heading-m', id: 'comment-heading', text: 'Add a comment' }));
  if (post.state === 'published') {
    box.append(
      composer({
        id: 'comment',
        ctx,
        summary,
        network,
        draftKey: `comment-${post.id}`,
        body: { label: 'Your comment', noun: 'comment', max: 5000, rows: 5 },
        submitText: 'Post comment',
        send: (payload) => request('POST', `/blog-posts/${post.id}/comments`, { body: payload }),
        onPublished: (c) => {
          setFlash('Your comment is published.', undefined);
          ctx.navigate(`${ctx.url.pathname}${ctx.url.search}${c?.id ? `#post-${c.id}` : ''}`, { force: true });
        },
      }),
    );
  } else {
    box.append(h('p', { text: 'Comments open once this post is published.' }));
  }
  setChildren(
    area,
    after ? h('p', {}, h('a', { href: withParams(ctx.url, { after: null }), text: 'Back to the start of this post' })) : renderPost(post, { session, heading: null, onMuted: refresh }),
    h('h2', { class: 'nhsuk-heading-m', id: 'comments-heading', text: 'Comments' }),
    comments.length ? h('ol', { class: 'nhsuk-list harbour-replies', 'aria-labelledby': 'comments-heading' }, comments.map((c) => h('li', {}, renderPost(c, { session, heading: 'h3', onMuted: refresh })))) : h('p', { text: 'No comments yet.' }),
    pager({ label: 'Comments', newer: after ? { href: withParams(ctx.url, { after: null }), text: 'Earlier comments' } : null, older: nextAfter ? { href: withParams(ctx.url, { after: nextAfter }), text: 'Later comments' } : null }),
    box,
  );
  if (ctx.url.hash) document.getElementById(ctx.url.hash.slice(1))?.scrollIntoView();
}

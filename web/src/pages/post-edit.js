// /posts/edit?id=<id>: the author edits a post (or changes a rejected one and sends it again,
// when it is read by a moderator first). Drafts are kept under edit-<id>.
import { getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash } from '../flash.js';
import { errorSummary } from '../forms.js';
import { composer } from '../composer.js';
import { rememberNetwork } from '../networks.js';
import { kindWords, list, postHref, str, warningCallout } from '../post-view.js';
import { idParam, loadingLine, showProblem, startPage } from './content-common.js';
import { whenSignedIn } from './common.js';

const LIMITS = {
  topic: { title: 120, body: 20000, noun: 'post' },
  reply: { title: 0, body: 10000, noun: 'reply' },
  blog_post: { title: 120, body: 40000, noun: 'story' },
  blog_comment: { title: 0, body: 5000, noun: 'comment' },
};

export const postEditPage = {
  title: 'Edit your post',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Edit your post', before: [summary.element] });
    const id = idParam(ctx.url);
    whenSignedIn(ctx, page.area, (session) => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this post' });
      page.area.replaceChildren(loadingLine('Loading your post\u2026'));
      getJson(`/posts/${id}`, { signal: ctx.signal })
        .then((data) => show(page, session, summary, data?.post || {}))
        .catch((err) => showProblem(page, err, { what: 'this post', notFoundTitle: 'Post not found', back: { href: '/account/posts', text: 'Your posts' } }));
    });
  },
};

function show(page, session, summary, post) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  rememberNetwork(str(post.network));
  const limits = LIMITS[post.kind] || LIMITS.reply;
  const rejected = post.state === 'rejected';
  const title = rejected ? `Edit and resubmit your ${kindWords(post.kind).toLowerCase()}` : `Edit your ${kindWords(post.kind).toLowerCase()}`;
  heading.textContent = title;
  ctx.setTitle(title);
  if (post.author?.id !== session.user.id || post.can_edit !== true) {
    setChildren(area, h('p', { text: 'Only the author can edit this post.' }), h('p', {}, h('a', { href: postHref(post), text: 'Back to the post' })));
    return;
  }
  setChildren(
    area,
    rejected
      ? warningCallout(
          'A moderator did not publish this',
          h('p', { text: 'The moderator said:' }),
          h('p', { class: 'harbour-post__reason', text: str(post.state_reason) || 'No reason was given.' }),
          h('p', { text: 'You can change it and send it again. A moderator will read it before it appears.' }),
        )
      : null,
    composer({
      id: 'edit',
      ctx,
      summary,
      network: str(post.network),
      draftKey: `edit-${post.id}`,
      title: limits.title ? { label: 'Title', max: limits.title } : null,
      body: { label: `Your ${limits.noun}`, noun: limits.noun, max: limits.body, rows: 10 },
      initial: { title: str(post.title), body: str(post.body), content_notes: list(post.content_notes).map((n) => n.key).filter(Boolean) },
      submitText: rejected ? 'Send it again' : 'Save changes',
      send: (payload) => request('PUT', `/posts/${post.id}`, { body: payload }),
      onPublished: (next) => {
        setFlash('Your changes are saved.', undefined);
        ctx.navigate(postHref(next && next.kind ? next : post));
      },
    }),
    h('p', {}, h('a', { href: postHref(post), text: 'Cancel and go back' })),
  );
}

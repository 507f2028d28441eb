// /forums/new-topic?category=<id>: start a topic. Drafts are kept as the person types.
import { getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash } from '../flash.js';
import { errorSummary } from '../forms.js';
import { composer } from '../composer.js';
import { rememberNetwork } from '../networks.js';
import { breadcrumbs, int, postHref, str } from '../post-view.js';
import { idParam, loadingLine, showProblem, startPage } from './content-common.js';
import { whenSignedIn } from './common.js';

export const newTopicPage = {
  title: 'Start a topic',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Start a topic', before: [summary.element] });
    const id = idParam(ctx.url, 'category');
    whenSignedIn(ctx, page.area, () => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this forum' });
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/categories/${id}/topics`, { signal: ctx.signal })
        .then((data) => {
          if (ctx.signal.aborted) return;
          const c = data?.category || {};
          const network = str(c.network);
          rememberNetwork(network);
          page.top.prepend(breadcrumbs([{ href: `/forums?network=${encodeURIComponent(network)}`, text: 'Forums' }, { href: `/forums/category?id=${id}`, text: str(c.name) || 'Forum' }]));
          ctx.setTitle(`Start a topic in ${str(c.name)}`);
          if (c.can_post !== true) {
            setChildren(page.area, h('p', { text: 'Starting topics in this forum is not open to you. You can read and reply to topics here.' }), h('p', {}, h('a', { href: `/forums/category?id=${id}`, text: `Back to ${str(c.name)}` })));
            return;
          }
          setChildren(
            page.area,
            h('p', { class: 'nhsuk-lede-text' }, 'In ', h('strong', { text: str(c.name) }), '. Everything here is read by trained moderators. Some posts are read before they appear.'),
            composer({
              id: 'topic',
              ctx,
              summary,
              network,
              draftKey: `topic-${id}`,
              title: { label: 'Title', max: 120 },
              body: { label: 'What would you like to talk about?', noun: 'post', max: 20000, rows: 10, hint: 'Do not include your full name, where you live or details that could identify you or others. If you are in crisis, use "Need urgent help?" at the top of the page.' },
              submitText: 'Post topic',
              send: (payload) => request('POST', `/categories/${id}/topics`, { body: payload }),
              onPublished: (post) => {
                setFlash('Your topic is published.', 'Thank you for starting the conversation.');
                ctx.navigate(int(post?.id) ? postHref(post) : `/forums/category?id=${id}`);
              },
            }),
          );
        })
        .catch((err) => showProblem(page, err, { what: 'this forum', notFoundTitle: 'Forum not found', back: { href: '/forums', text: 'Back to the forums' } }));
    });
  },
};

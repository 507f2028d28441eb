// /blog/new?network=<slug>: staff write a blog post; members write a recovery story, which a
// moderator always reads before it appears.
import { request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash } from '../flash.js';
import { errorSummary } from '../forms.js';
import { composer } from '../composer.js';
import { isStaffOf } from '../networks.js';
import { breadcrumbs, int, postHref } from '../post-view.js';
import { startPage, withNetwork } from './content-common.js';

export const blogNewPage = {
  title: 'Write your story',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Write your story', before: [summary.element] });
    withNetwork(page, (session, network) => {
      const staff = isStaffOf(session, network.slug);
      const title = staff ? 'Write a blog post' : 'Write your story';
      page.heading.textContent = title;
      ctx.setTitle(title);
      page.top.prepend(breadcrumbs([{ href: `/blog?network=${encodeURIComponent(network.slug)}`, text: 'Blog and stories' }]));
      setChildren(
        page.area,
        staff
          ? null
          : h(
              'div',
              { class: 'nhsuk-inset-text' },
              h('span', { class: 'nhsuk-u-visually-hidden', text: 'Information: ' }),
              h('p', { text: 'A moderator reads every story before it appears. They may ask you to change something, to keep you and others safe. Nothing you write is lost.' }),
              h('p', { text: 'Use your Harbour name only. Leave out names, places and anything that could identify you or others.' }),
            ),
        composer({
          id: 'blog',
          ctx,
          summary,
          network: network.slug,
          draftKey: `blog-${network.slug}`,
          title: { label: 'Title', max: 120 },
          body: { label: staff ? 'Your post' : 'Your story', noun: staff ? 'post' : 'story', max: 40000, rows: 14 },
          submitText: staff ? 'Publish' : 'Send to a moderator',
          heldHeading: 'Your story has been sent',
          send: (payload) => request('POST', `/networks/${encodeURIComponent(network.slug)}/blog`, { body: payload }),
          onPublished: (post) => {
            setFlash('Your post is published.', undefined);
            ctx.navigate(int(post?.id) ? postHref(post) : `/blog?network=${encodeURIComponent(network.slug)}`);
          },
        }),
      );
    });
  },
};

// /forums?network=<slug>: the categories of a community's forum (those the person may read), as
// cards with who they are for and how many topics have new posts.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { networkSwitcher } from '../networks.js';
import { officeStatusLine } from '../office-status.js';
import { formatDateTime } from './common.js';
import { int, list, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork } from './content-common.js';

/** Who a category is for, from its reading roles, as a tag (null for everyone). */
export function audienceTag(category) {
  const read = list(category?.audience?.read);
  const members = read.includes('member');
  const carers = read.includes('carer');
  if (carers && !members) return tag('For carers', 'purple');
  if (members && !carers) return tag('For members', 'aqua-green');
  if (!members && !carers) return tag('Staff only', 'grey');
  return null;
}

export const forumsPage = {
  title: 'Forums',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Forums', before: [takeFlashBanner()] });
    withNetwork(page, (session, network) => {
      page.area.replaceChildren(loadingLine('Loading the forums\u2026'));
      getJson(`/networks/${encodeURIComponent(network.slug)}/categories`, { signal: ctx.signal })
        .then((data) => show(page, network, list(data?.categories)))
        .catch((err) => showProblem(page, err, { what: 'the forums', notFoundText: 'We could not find this community. You may not be part of it.' }));
    });
  },
};

function show(page, network, categories) {
  if (page.ctx.signal.aborted) return;
  page.heading.textContent = network.list.length > 1 ? `Forums: ${network.name}` : 'Forums';
  const intro = h('p', { class: 'nhsuk-lede-text', text: 'Talk with others who understand. Everything here is read by trained moderators.' });
  const switcher = networkSwitcher(network, (slug) => `/forums?network=${encodeURIComponent(slug)}`);
  const status = officeStatusLine(network.slug, page.ctx.signal);
  if (!categories.length) {
    setChildren(page.area, switcher, intro, status, h('p', { text: 'There are no forums open to you in this community yet.' }));
    return;
  }
  const cards = h(
    'ul',
    { class: 'nhsuk-grid-row nhsuk-card-group harbour-categories' },
    categories.map((c) => {
      const id = int(c.id);
      const unread = int(c.unread_topics) || 0;
      const topics = int(c.topic_count) || 0;
      const last = formatDateTime(c.last_activity_at);
      return h(
        'li',
        { class: 'nhsuk-grid-column-full nhsuk-card-group__item' },
        h(
          'div',
          { class: 'nhsuk-card nhsuk-card--clickable harbour-category', 'data-category-id': String(id) },
          h(
            'div',
            { class: 'nhsuk-card__content' },
            h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m' }, h('a', { class: 'nhsuk-card__link', href: `/forums/category?id=${id}`, text: str(c.name) })),
            h('p', { class: 'nhsuk-card__description', text: str(c.description) }),
            h(
              'p',
              { class: 'harbour-category__meta nhsuk-body-s' },
              audienceTag(c) ? [audienceTag(c), ' '] : null,
              unread ? [tag(`${unread} with new posts`, 'blue'), ' '] : null,
              `${topics} ${topics === 1 ? 'topic' : 'topics'}`,
              last ? ` \u00b7 Last post ${last}` : null,
            ),
          ),
        ),
      );
    }),
  );
  setChildren(page.area, switcher, intro, status, cards, h('p', { class: 'nhsuk-body-s' }, 'Looking for something? ', h('a', { href: `/search?network=${encodeURIComponent(network.slug)}`, text: 'Search Harbour' }), '.'));
}

// /resources?network=<slug>&kind=&topic=&audience=: the resources library as cards, filtered by
// kind, topic and who it is for ("For carers"). Staff can add resources.
import { getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { selectField } from '../forms.js';
import { isStaffOf, networkSwitcher } from '../networks.js';
import { int, list, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, wide, withNetwork, withParams } from './content-common.js';

export const KINDS = [
  { value: 'article', label: 'Article', plural: 'Articles' },
  { value: 'video', label: 'Video', plural: 'Videos' },
  { value: 'leaflet', label: 'Leaflet', plural: 'Leaflets' },
  { value: 'service', label: 'Service', plural: 'Services' },
];
export const kindLabel = (k) => KINDS.find((x) => x.value === k)?.label || 'Resource';

/** "For carers" / "For members" tags from a resource's audiences. */
export function audienceTags(r) {
  const a = list(r.audiences);
  const tags = [];
  if (a.includes('carers')) tags.push(tag('For carers', 'purple'));
  if (a.includes('members') && !a.includes('carers')) tags.push(tag('For members', 'aqua-green'));
  return tags;
}

export const resourcesPage = {
  title: 'Resources',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Resources', wideLayout: true, before: [takeFlashBanner()] });
    withNetwork(page, (session, network) => {
      const p = ctx.url.searchParams;
      const filters = {
        kind: KINDS.some((k) => k.value === p.get('kind')) ? p.get('kind') : '',
        topic: (p.get('topic') || '').slice(0, 80),
        audience: p.get('audience') === 'carers' ? 'carers' : '',
      };
      page.area.replaceChildren(loadingLine('Loading resources\u2026'));
      const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v)).toString();
      getJson(`/networks/${encodeURIComponent(network.slug)}/resources${qs ? `?${qs}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, session, network, filters, data))
        .catch((err) => showProblem(page, err, { what: 'the resources' }));
    });
  },
};

function show(page, session, network, filters, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const resources = list(data?.resources);
  const topics = list(data?.topics).filter((t) => t && str(t.topic));
  const kind = selectField({ id: 'filter-kind', label: 'Type', options: [{ value: '', label: 'All types' }, ...KINDS.map((k) => ({ value: k.value, label: k.plural }))], selected: filters.kind });
  const topic = selectField({
    id: 'filter-topic',
    label: 'Topic',
    options: [{ value: '', label: 'All topics' }, ...topics.map((t) => ({ value: t.topic, label: `${t.topic} (${int(t.count) ?? 0})` })), ...(filters.topic && !topics.some((t) => t.topic === filters.topic) ? [{ value: filters.topic, label: filters.topic }] : [])],
    selected: filters.topic,
  });
  const carers = h('input', { class: 'nhsuk-checkboxes__input', id: 'filter-carers', name: 'audience', type: 'checkbox', value: 'carers' });
  carers.checked = filters.audience === 'carers';
  const form = h(
    'form',
    { novalidate: true, id: 'resource-filters', role: 'search', 'aria-label': 'Filter resources' },
    h(
      'div',
      { class: 'harbour-filters' },
      kind.group,
      topic.group,
      h('div', { class: 'nhsuk-form-group' }, h('div', { class: 'nhsuk-checkboxes' }, h('div', { class: 'nhsuk-checkboxes__item' }, carers, h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: 'filter-carers', text: 'For carers' })))),
    ),
    h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit', text: 'Show resources' }),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    ctx.navigate(withParams(ctx.url, { kind: kind.value(), topic: topic.value(), audience: carers.checked ? 'carers' : null }));
  });
  const filtered = filters.kind || filters.topic || filters.audience;
  const count = h('p', { class: 'harbour-list-status', role: 'status', id: 'resource-count', text: `${resources.length} ${resources.length === 1 ? 'resource' : 'resources'}${filtered ? ' match' : ''}` });
  setChildren(
    area,
    networkSwitcher(network, (slug) => `/resources?network=${encodeURIComponent(slug)}`),
    h('p', { class: 'nhsuk-lede-text', text: 'Articles, videos, leaflets and services chosen by the team.' }),
    isStaffOf(session, network.slug) ? h('p', {}, h('a', { href: `/resources/edit?network=${encodeURIComponent(network.slug)}`, id: 'resource-add', text: 'Add a resource' })) : null,
    form,
    count,
    resources.length
      ? h(
          'ul',
          { class: 'nhsuk-grid-row nhsuk-card-group', id: 'resources' },
          resources.map((r) =>
            h(
              'li',
              { class: 'nhsuk-grid-column-one-third nhsuk-card-group__item' },
              h(
                'div',
                { class: 'nhsuk-card nhsuk-card--clickable harbour-resource-card', 'data-resource-id': String(int(r.id)) },
                h(
                  'div',
                  { class: 'nhsuk-card__content' },
                  h('p', { class: 'harbour-resource-card__tags' }, tag(kindLabel(r.kind), 'white'), ' ', audienceTags(r).map((t) => [t, ' '])),
                  h('h2', { class: 'nhsuk-card__heading nhsuk-heading-s' }, h('a', { class: 'nhsuk-card__link', href: `/resources/item?id=${int(r.id)}`, text: str(r.title) })),
                  h('p', { class: 'nhsuk-card__description', text: str(r.summary) }),
                ),
              ),
            ),
          ),
        )
      : h('p', { text: filtered ? 'No resources match these filters. Try fewer filters.' : 'There are no resources here yet.' }),
  );
}

export { wide };

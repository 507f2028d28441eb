// /search?q=<text>&network=<slug>: search what the person may read; matches in the snippet are
// marked with <mark> (built from text nodes).
import { ApiError, getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { errorSummary, textField } from '../forms.js';
import { networkSwitcher } from '../networks.js';
import { formatDateTime } from './common.js';
import { linkHref, list, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withNetwork } from './content-common.js';

const TYPES = { topic: 'Topic', reply: 'Reply', blog_post: 'Blog post', blog_comment: 'Comment', resource: 'Resource' };

/** Snippet segments as text, with the matching words in <mark>. */
export function snippet(segments) {
  return h('p', { class: 'harbour-snippet' }, list(segments).map((s) => (s && s.match === true ? h('mark', { text: str(s.text) }) : str(s?.text))));
}

export const searchPage = {
  title: 'Search',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Search', before: [summary.element] });
    withNetwork(page, (session, network) => {
      const q = (ctx.url.searchParams.get('q') || '').slice(0, 200);
      const field = textField({ id: 'search-q', label: 'Search for', hint: 'Words, or "a phrase" in double quotes.', value: q, attrs: { type: 'search', maxlength: '200', enterkeyhint: 'search' } });
      const form = h('form', { novalidate: true, role: 'search', id: 'search-form', 'aria-label': 'Search Harbour' }, h('div', { class: 'harbour-search-row' }, field.group, h('button', { class: 'nhsuk-button', type: 'submit', text: 'Search' })));
      const results = h('div', { id: 'search-results' });
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        const text = field.value().trim();
        if (!text) {
          field.setError('Enter something to search for');
          summary.show([{ field: field.input, message: 'Enter something to search for' }]);
          return;
        }
        ctx.navigate(`/search?q=${encodeURIComponent(text)}&network=${encodeURIComponent(network.slug)}`);
      });
      setChildren(page.area, networkSwitcher(network, (slug) => `/search?${q ? `q=${encodeURIComponent(q)}&` : ''}network=${encodeURIComponent(slug)}`), form, results);
      if (!q.trim()) return;
      ctx.setTitle(`Search: ${q}`);
      results.replaceChildren(loadingLine('Searching\u2026'));
      getJson(`/search?q=${encodeURIComponent(q)}&network=${encodeURIComponent(network.slug)}`, { signal: ctx.signal })
        .then((data) => showResults(results, q, list(data?.results)))
        .catch((err) => {
          if (err instanceof ApiError && err.code === 'invalid_query') {
            results.replaceChildren();
            field.setError(err.message);
            summary.show([{ field: field.input, message: err.message }]);
            ctx.setTitle(`Error: Search`);
            return;
          }
          showProblem({ ctx, area: results, heading: page.heading }, err, { what: 'search results' });
        });
    });
  },
};

function showResults(area, q, results) {
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'search-count', text: results.length ? `${results.length} ${results.length === 1 ? 'result' : 'results'} for \u201c${q}\u201d` : `No results for \u201c${q}\u201d` });
  if (!results.length) {
    setChildren(area, status, h('p', { text: 'Try other words, or fewer of them.' }));
    return;
  }
  setChildren(
    area,
    h('h2', { class: 'nhsuk-heading-m', text: 'Results' }),
    status,
    h(
      'ul',
      { class: 'nhsuk-list harbour-search-results' },
      results.map((r) => {
        const href = linkHref(r.link);
        const when = formatDateTime(r.at);
        return h(
          'li',
          { class: 'harbour-search-result' },
          h('h3', { class: 'nhsuk-heading-s' }, href ? h('a', { href, text: str(r.title) || 'Untitled' }) : str(r.title)),
          h('p', { class: 'nhsuk-body-s harbour-search-result__meta' }, tag(TYPES[r.type] || 'Post', 'white'), ' ', str(r.network?.name), when ? ` \u00b7 ${when}` : null),
          snippet(r.snippet),
        );
      }),
    ),
  );
}

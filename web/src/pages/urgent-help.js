// "Need urgent help?": the crisis contacts of a network (?network=<slug>, default "default").
// The national contacts from the bundle show at once and stay if the server cannot be
// reached, so this page is never empty.
import { getJson } from '../api.js';
import { NATIONAL_CONTACTS, isEmergency, renderContact, usableContacts } from '../crisis-contacts.js';
import { h } from '../dom.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;

export const urgentHelpPage = {
  title: 'Need urgent help?',
  render(main, { url, signal }) {
    const requested = url.searchParams.get('network');
    const slug = requested === null || requested === '' ? 'default' : requested;

    const status = h('p', { class: 'harbour-contacts__status', role: 'status' });
    const list = h('div', { class: 'harbour-contacts', id: 'crisis-contacts', 'data-source': 'fallback' });

    main.append(
      h(
        'div',
        { class: 'nhsuk-grid-row' },
        h(
          'div',
          { class: 'nhsuk-grid-column-two-thirds' },
          h('h1', { text: 'Need urgent help?' }),
          h('p', {
            class: 'nhsuk-lede-text',
            text: 'You do not have to cope on your own. You can contact any of these services now.',
          }),
          status,
          list,
          h('h2', { class: 'nhsuk-heading-m', text: 'If you are not in danger right now' }),
          h(
            'p',
            {},
            'You can also contact your GP, or the talking therapy service you were seeing. ',
            'Harbour is a peer-support community: it is not an emergency service, and posts are not read straight away.',
          ),
        ),
      ),
    );

    showContacts(list, NATIONAL_CONTACTS, 'fallback');

    if (!SLUG_RE.test(slug)) {
      status.textContent = 'We could not find that service, so we are showing national contacts.';
      return;
    }
    list.setAttribute('aria-busy', 'true');
    getJson(`/networks/${encodeURIComponent(slug)}/crisis-contacts`, { signal })
      .then((data) => {
        if (signal.aborted) return;
        const contacts = usableContacts(data?.crisis_contacts);
        if (contacts.length === 0) {
          status.textContent = 'These national services can help at any time.';
          return;
        }
        // 999 is always shown, even if a service's list leaves it out.
        if (!contacts.some(isEmergency)) contacts.unshift(NATIONAL_CONTACTS[0]);
        showContacts(list, contacts, 'network');
        const name = typeof data?.network?.name === 'string' ? data.network.name.trim() : '';
        status.textContent = name ? `Contacts for ${name}.` : '';
      })
      .catch((err) => {
        if (signal.aborted) return;
        status.textContent =
          err?.code === 'network_not_found'
            ? 'We could not find that service, so we are showing national contacts.'
            : "We could not load your service's own contacts just now. These national services can help at any time.";
      })
      .finally(() => list.removeAttribute('aria-busy'));
  },
};

/** Replace the cards, keeping keyboard focus on the same link if it is still there. */
function showContacts(list, contacts, source) {
  const focused = list.contains(document.activeElement) ? document.activeElement?.getAttribute('href') : null;
  list.replaceChildren(...contacts.map(renderContact).filter(Boolean));
  list.dataset.source = source;
  if (focused) {
    const again = [...list.querySelectorAll('a[href]')].find((a) => a.getAttribute('href') === focused);
    (again || list.closest('main')?.querySelector('h1'))?.focus();
  }
}

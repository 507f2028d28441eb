// "Need urgent help?": the crisis contacts of a network: ?network=<slug>, else the person's own
// community (the one remembered by networks.js, or their first), else "default" (signed out).
// The national contacts from the bundle show at once and stay if the server cannot be
// reached, so this page is never empty. Someone with keys to several communities also gets
// links to the contacts of the others, so they can find their own team.
import { getJson } from '../api.js';
import { NATIONAL_CONTACTS, isEmergency, renderContact, usableContacts } from '../crisis-contacts.js';
import { h, setChildren } from '../dom.js';
import { networkSwitcher, networksOf, urgentHelpHref, urgentHelpNetwork } from '../networks.js';
import { onSessionChange } from '../session.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;

export const urgentHelpPage = {
  title: 'Need urgent help?',
  render(main, { url, signal }) {
    const requested = url.searchParams.get('network') || '';

    const status = h('p', { class: 'harbour-contacts__status', role: 'status' });
    const list = h('div', { class: 'harbour-contacts', id: 'crisis-contacts', 'data-source': 'fallback' });
    const others = h('div', { class: 'harbour-contacts__others' });

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
          others,
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

    // An address with a network loads it at once; without one, the person's own community is
    // known once the server has said who is signed in (the national contacts show meanwhile).
    if (requested) loadContacts(requested, list, status, signal);
    else list.setAttribute('aria-busy', 'true');
    let decided = false;
    onSessionChange((state) => {
      if (decided || state.status === 'loading') return;
      decided = true;
      const session = state.status === 'signed-in' ? state.session : null;
      const slug = requested || urgentHelpNetwork(session) || 'default';
      if (!requested) loadContacts(slug, list, status, signal);
      const links = networkSwitcher({ slug, list: networksOf(session) }, urgentHelpHref, {
        othersOnly: true,
        id: 'urgent-help-other-networks',
        ariaLabel: 'Crisis contacts of your other communities',
        label: 'Your other communities have their own crisis teams:',
        linkText: (n) => `Contacts for ${n.name}`,
      });
      others.classList.toggle('nhsuk-u-margin-bottom-6', Boolean(links));
      setChildren(others, links);
    }, signal);
  },
};

/** Load a network's contacts into the list, keeping the national ones when that fails. */
function loadContacts(slug, list, status, signal) {
  list.dataset.network = slug;
  if (!SLUG_RE.test(slug)) {
    list.removeAttribute('aria-busy');
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
}

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

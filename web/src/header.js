// The account part of the header: "Sign in" when signed out; the pseudonym, "Your account" and
// "Sign out" when signed in. Hidden until the server has said who is signed in, so it never
// shows the wrong thing. "Need urgent help?" and the quick exit are separate and always there;
// the header's and footer's "Need urgent help?" links follow the person's community.
import { h, nhsIcon } from './dom.js';
import { setFlash } from './flash.js';
import { onSessionChange, signOut } from './session.js';
import { onUnreadChange, installLive } from './live.js';
import { chooseNetwork, isStaffOf, onNetworkChange, roleIn, urgentHelpHref, urgentHelpNetwork } from './networks.js';


/** The NHS.UK "user" icon (decorative). */
function userIcon() {
  return nhsIcon('user', 'M12 1a11 11 0 1 1 0 22 11 11 0 0 1 0-22Zm0 2a9 9 0 0 0-5 16.5V18a4 4 0 0 1 4-4h2a4 4 0 0 1 4 4v1.5A9 9 0 0 0 12 3Zm0 3a3.5 3.5 0 1 1-3.5 3.5A3.4 3.4 0 0 1 12 6Z');
}

// Pages where a "Sign in" link should not send the person back afterwards.
const NO_RETURN = new Set(['/sign-in', '/sign-in/two-step', '/join']);

/** Where "Sign in" should bring the person back to: the page they are on. */
function signInHref() {
  const here = window.location.pathname + window.location.search;
  if (NO_RETURN.has(window.location.pathname) || here === '/') return '/sign-in';
  return `/sign-in?next=${encodeURIComponent(here)}`;
}

/**
 * Fill the header's account area and keep it up to date.
 * @param {{navigate: (href: string, options?: object) => void}} router
 */
export function installAccountHeader(router) {
  installUrgentHelpLinks();
  const nav = document.getElementById('header-account');
  if (!nav) return { update() {} };

  let signInLink = null;
  let codeLink = null; // "Two-step sign-in: code needed", which comes back to the page on show

  const render = (state) => {
    if (state.status === 'loading') {
      nav.hidden = true;
      return;
    }
    const list = h('ul', { class: 'nhsuk-header__account-list' });
    codeLink = null;
    if (state.status === 'signed-in' && state.session) {
      signInLink = null;
      const signOutButton = h('button', { class: 'nhsuk-header__account-button', type: 'button', id: 'header-sign-out', text: 'Sign out' });
      signOutButton.addEventListener('click', async () => {
        signOutButton.disabled = true;
        try {
          await signOut();
          setFlash('You have signed out.', 'Thank you for visiting Harbour.');
          router.navigate('/', { force: true });
        } catch (err) {
          signOutButton.disabled = false;
          setFlash('We could not sign you out just now.', err?.message || 'Please try again.', { problem: true });
          router.navigate('/account', { force: true });
        }
      });
      list.append(
        h(
          'li',
          { class: 'nhsuk-header__account-item harbour-header__who' },
          userIcon(),
          h('span', {}, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Signed in as ' }), h('span', { id: 'header-pseudonym', text: state.session.user.pseudonym })),
        ),
        ...[twoStepItem(state.session.second_factor)].filter(Boolean),
        ...(state.session.user.is_admin
          ? [h('li', { class: 'nhsuk-header__account-item' }, h('a', { class: 'nhsuk-header__account-link', href: '/admin/users', id: 'header-admin', text: 'Administration' }))]
          : []),
        h('li', { class: 'nhsuk-header__account-item' }, h('a', { class: 'nhsuk-header__account-link', href: '/account', text: 'Your account' })),
        h('li', { class: 'nhsuk-header__account-item' }, signOutButton),
      );
    } else {
      signInLink = h('a', { class: 'nhsuk-header__account-link', href: signInHref(), id: 'header-sign-in' }, userIcon(), 'Sign in');
      list.append(h('li', { class: 'nhsuk-header__account-item' }, signInLink));
    }
    // Keep keyboard focus in the header if it was there (for example on "Sign out").
    const hadFocus = nav.contains(document.activeElement);
    nav.replaceChildren(list);
    nav.hidden = false;
    markCurrent(nav);
    if (hadFocus) document.getElementById('maincontent')?.focus();
  };

  /** Staff only: the state of two-step sign-in, as a link to what to do about it. */
  const twoStepItem = (sf) => {
    if (!sf.required) return null;
    let link;
    if (sf.done) {
      link = h('a', { class: 'nhsuk-header__account-link', href: '/account/two-step', id: 'header-two-step', text: 'Two-step sign-in: on' });
    } else if (sf.enrolled) {
      link = h('a', { class: 'nhsuk-header__account-link', href: secondStepHref(), id: 'header-two-step', text: 'Two-step sign-in: code needed' });
      codeLink = link;
    } else {
      link = h('a', { class: 'nhsuk-header__account-link', href: '/account/two-step', id: 'header-two-step', text: 'Two-step sign-in: off' });
    }
    return h('li', { class: 'nhsuk-header__account-item' }, link);
  };

  onSessionChange(render);

  return {
    /** After each page change: "Sign in" returns to this page, and aria-current follows. */
    update() {
      if (signInLink) signInLink.setAttribute('href', signInHref());
      if (codeLink) codeLink.setAttribute('href', secondStepHref());
      markCurrent(nav);
    },
  };
}

/**
 * The header's and footer's "Need urgent help?" links (in index.html, so they work before any
 * script runs: plain /urgent-help, the default network's contacts) carry the person's community
 * once it is known, so a member of another network is shown their own crisis team. Signed out
 * (or with no key) they stay plain /urgent-help.
 */
function installUrgentHelpLinks() {
  const links = ['header-urgent-help', 'footer-urgent-help'].map((id) => document.getElementById(id)).filter(Boolean);
  if (!links.length) return;
  let session = null;
  const update = () => {
    const href = urgentHelpHref(urgentHelpNetwork(session));
    for (const link of links) if (link.getAttribute('href') !== href) link.setAttribute('href', href);
  };
  onSessionChange((state) => {
    session = state.status === 'signed-in' ? state.session : null;
    update();
  });
  onNetworkChange(update);
}

/** Where "Two-step sign-in: code needed" goes: entering a code, then back to this page. */
function secondStepHref() {
  const here = window.location.pathname + window.location.search;
  if (NO_RETURN.has(window.location.pathname) || here === '/') return '/sign-in/two-step';
  return `/sign-in/two-step?next=${encodeURIComponent(here)}`;
}

function markCurrent(nav) {
  for (const link of nav.querySelectorAll('a[href]')) {
    const url = new URL(link.href);
    if (url.pathname === window.location.pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

// ---------------------------------------------------------------------------------------
// The community navigation (signed in): Forums, Wall, Blog, Resources, Search, Notifications with the
// unread count, and Moderation for staff. Links stay in the community last shown.

/**
 * Add the navigation bar under the header and keep it up to date.
 * @returns {{update: () => void}} call after each page change
 */
export function installContentNav() {
  const header = document.querySelector('header.nhsuk-header');
  if (!header) return { update() {} };
  const list = h('ul', { class: 'nhsuk-header__navigation-list harbour-nav__list' });
  const nav = h(
    'nav',
    { class: 'nhsuk-header__navigation harbour-nav', 'aria-label': 'Community', id: 'header-nav', hidden: true },
    h('div', { class: 'nhsuk-header__navigation-container nhsuk-width-container' }, list),
  );
  header.append(nav);
  installLive(header);
  let session = null;
  const badge = h('span', { class: 'harbour-nav__badge', id: 'header-unread', 'aria-hidden': 'true', hidden: true });
  const badgeText = h('span', { class: 'nhsuk-u-visually-hidden', id: 'header-unread-text' });

  const render = () => {
    if (!session) {
      nav.hidden = true;
      list.replaceChildren();
      return;
    }
    const chosen = chooseNetwork(session, new URL(window.location.href));
    const slug = chosen?.slug || '';
    const q = slug ? `?network=${encodeURIComponent(slug)}` : '';
    const role = roleIn(session, slug);
    const items = [
      { href: `/forums${q}`, text: 'Forums', id: 'nav-forums', also: ['/forums/category', '/forums/topic', '/forums/new-topic'] },
      // The Wall is the peers' space: members and staff, not carers.
      role === 'carer' ? null : { href: `/wall${q}`, text: 'Wall', id: 'nav-wall' },
      role === 'carer' ? null : { href: `/blog${q}`, text: 'Blog', id: 'nav-blog', also: ['/blog/post', '/blog/new'] },
      { href: `/resources${q}`, text: 'Resources', id: 'nav-resources', also: ['/resources/item', '/resources/edit'] },
      { href: `/search${q}`, text: 'Search', id: 'nav-search' },
      { href: '/notifications', text: 'Notifications', id: 'nav-notifications', badge: true },
      slug && isStaffOf(session, slug) ? { href: `/moderation${q}`, text: 'Moderation', id: 'nav-moderation' } : null,
      slug && (role === 'clinician' || session.user.is_admin) ? { href: `/cases${q}`, text: 'Cases', id: 'nav-cases', also: ['/cases/item'] } : null,
    ].filter(Boolean);
    const here = window.location.pathname;
    list.replaceChildren(
      ...items.map((i) => {
        const current = here === new URL(i.href, window.location.href).pathname || (i.also || []).includes(here);
        return h(
          'li',
          { class: `nhsuk-header__navigation-item${current ? ' nhsuk-header__navigation-item--current' : ''}` },
          h('a', { class: 'nhsuk-header__navigation-link', href: i.href, id: i.id, 'aria-current': current ? 'page' : null }, i.text, i.badge ? [badge, badgeText] : null),
        );
      }),
    );
    nav.hidden = false;
  };
  onUnreadChange((n) => {
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = n === 0;
    // The server counts up to 100 ("100 or more").
    badgeText.textContent = n ? ` (${n > 99 ? 'more than 99' : n} unread)` : '';
  });
  onSessionChange((state) => {
    session = state.status === 'signed-in' ? state.session : null;
    render();
  });
  onNetworkChange(() => render());
  return { update: render };
}

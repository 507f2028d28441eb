// The account part of the header: "Sign in" when signed out; the pseudonym, "Your account" and
// "Sign out" when signed in. Hidden until the server has said who is signed in, so it never
// shows the wrong thing. "Need urgent help?" and the quick exit are separate and always there.
import { h, nhsIcon } from './dom.js';
import { setFlash } from './flash.js';
import { onSessionChange, signOut } from './session.js';


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

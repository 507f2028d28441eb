// Which community (network) a content page shows: the ?network=<slug> of the address, else the
// one the person last looked at, else their first. Remembered in memory only, so the header's
// links (Forums, Blog, ...) stay in the community the person chose.
import { h } from './dom.js';
import { isStaffRole, onSessionChange } from './session.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;
let remembered = null;

/** Active memberships, as {slug, name, role}. */
export function networksOf(session) {
  if (!session) return [];
  return session.memberships.filter((m) => m.active).map((m) => ({ slug: m.network.slug, name: m.network.name, role: m.role }));
}

/**
 * The community to show for this address.
 * @returns {{slug: string, name: string, role: string, list: {slug,name,role}[]}|null} null when
 *   the person holds no key (an administrator without a community sees "default").
 */
export function chooseNetwork(session, url) {
  const list = networksOf(session);
  const asked = url?.searchParams.get('network') || '';
  let pick = null;
  if (SLUG_RE.test(asked)) pick = list.find((n) => n.slug === asked) || { slug: asked, name: asked, role: '' };
  if (!pick && remembered) pick = list.find((n) => n.slug === remembered) || null;
  if (!pick && list.length) pick = list[0];
  if (!pick && session?.user.is_admin) pick = { slug: 'default', name: 'Harbour', role: '' };
  if (!pick) return null;
  rememberNetwork(pick.slug);
  return { ...pick, list };
}

const rememberListeners = new Set();

/** Remember the community a page showed (for example a topic's), for the header links. */
export function rememberNetwork(slug) {
  if (typeof slug !== 'string' || !SLUG_RE.test(slug) || slug === remembered) return;
  remembered = slug;
  for (const fn of [...rememberListeners]) fn(slug);
}

/** Be told when the remembered community changes (the header's links follow it). */
export function onNetworkChange(fn) {
  rememberListeners.add(fn);
}

/** The remembered community, or null. */
export function rememberedNetwork() {
  return remembered;
}

// Forget the community on signing out: the next person on a shared computer must not be sent
// to the last person's community (or its crisis team).
onSessionChange((state) => {
  if (state.status !== 'signed-out' || remembered === null) return;
  remembered = null;
  for (const fn of [...rememberListeners]) fn(null);
});

/**
 * Whose crisis contacts "Need urgent help?" shows for this person: the remembered community if
 * they hold a key to it (any for an administrator), else their first community, else none
 * (signed out, or no key): then the page shows the default network's.
 * @returns {string|null}
 */
export function urgentHelpNetwork(session) {
  if (!session) return null;
  const list = networksOf(session);
  if (remembered && (session.user.is_admin || list.some((n) => n.slug === remembered))) return remembered;
  if (list.length) return list[0].slug;
  return session.user.is_admin ? 'default' : null;
}

/** The address of the urgent-help page of a community (plain /urgent-help without one). */
export function urgentHelpHref(slug) {
  return slug ? `/urgent-help?network=${encodeURIComponent(slug)}` : '/urgent-help';
}

/** Staff of a network (or an administrator): sees held posts and moderates. */
export function isStaffOf(session, slug) {
  if (!session) return false;
  if (session.user.is_admin) return true;
  return networksOf(session).some((n) => n.slug === slug && isStaffRole(n.role));
}

/** The person's role in a network ('' when none). */
export function roleIn(session, slug) {
  return networksOf(session).find((n) => n.slug === slug)?.role || '';
}

/** The name of a network the person holds a key to (or the slug). */
export function networkName(session, slug) {
  return networksOf(session).find((n) => n.slug === slug)?.name || slug;
}

/**
 * Links to the same page in each of the person's communities, when they hold keys to several
 * (nothing otherwise).
 * @param {{slug: string, list: {slug, name}[]}} network
 * @param {(slug: string) => string} hrefFor
 * @param {{othersOnly?: boolean, label?: string, ariaLabel?: string, id?: string,
 *   linkText?: (n: {slug, name}) => string}} [options] othersOnly: only the communities other
 *   than the one on show (nothing when there are none)
 */
export function networkSwitcher(network, hrefFor, options = {}) {
  const { othersOnly = false, label = 'Community:', ariaLabel = 'Communities', id = null, linkText = (n) => n.name } = options;
  if (!network) return null;
  const shown = othersOnly ? network.list.filter((n) => n.slug !== network.slug) : network.list;
  if (othersOnly ? shown.length === 0 : shown.length < 2) return null;
  return h(
    'nav',
    { class: 'harbour-network-switcher', 'aria-label': ariaLabel, id },
    h('p', { class: 'harbour-network-switcher__label', text: label }),
    h(
      'ul',
      { class: 'nhsuk-list harbour-network-switcher__list' },
      shown.map((n) =>
        h('li', {}, h('a', { href: hrefFor(n.slug), 'aria-current': n.slug === network.slug ? 'page' : null, text: linkText(n) })),
      ),
    ),
  );
}

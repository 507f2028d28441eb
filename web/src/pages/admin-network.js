// Which community an administration page works on (/admin/spaces, /admin/moderation-settings):
// ?network=<slug>, else the administrator's own first community, else "default".
// Administrators often hold no key to any community: the chooser lists every one of the
// deployment (GET /api/v1/admin/networks).
import { getJson } from '../api.js';
import { h } from '../dom.js';
import { chooseNetwork } from '../networks.js';
import { str } from './admin-common.js';

const SLUG_RE = /^[a-z0-9-]{2,40}$/;

/** The community this page is about: {slug, name}. */
export function adminNetwork(session, url) {
  const asked = url.searchParams.get('network') || '';
  if (SLUG_RE.test(asked)) {
    const own = session.memberships.find((m) => m.network?.slug === asked);
    return { slug: asked, name: str(own?.network?.name) || asked };
  }
  const picked = chooseNetwork(session, null);
  return picked ? { slug: picked.slug, name: picked.name || picked.slug } : { slug: 'default', name: 'default' };
}

/**
 * The "Community" chooser: every community of the deployment (GET /admin/networks). Choosing one
 * loads `path?network=<slug>`. `onName(name)` is called when the current community's name is known.
 * @returns {HTMLElement}
 */
export function networkChooser({ ctx, session, path, network, onName = () => {} }) {
  const known = new Map();
  for (const m of session.memberships) {
    if (m?.network && SLUG_RE.test(str(m.network.slug))) known.set(m.network.slug, str(m.network.name) || m.network.slug);
  }
  if (!known.has(network.slug)) known.set(network.slug, network.name);

  const go = (slug) => ctx.navigate(`${path}?network=${encodeURIComponent(slug)}`, { force: true });

  const select = h('select', { class: 'nhsuk-select', id: 'network-choice', name: 'network' });
  const label = h('label', { class: 'nhsuk-label', for: 'network-choice', text: 'Community' });
  const fillOptions = () => {
    const sorted = [...known].sort((a, b) => a[1].localeCompare(b[1], 'en-GB'));
    select.replaceChildren(...sorted.map(([slug, name]) => h('option', { value: slug, selected: slug === network.slug, text: name === slug ? slug : `${name} (${slug})` })));
    select.value = network.slug;
  };
  fillOptions();
  const chooseForm = h(
    'form',
    { novalidate: true, id: 'network-form', 'aria-label': 'Choose a community' },
    h('div', { class: 'nhsuk-form-group' }, label, select),
    h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'submit' }, 'Show', h('span', { class: 'nhsuk-u-visually-hidden', text: ' this community' })),
  );
  chooseForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (SLUG_RE.test(select.value)) go(select.value);
  });

  // The full list; until it arrives (or if it fails) the chooser offers the communities above.
  getJson('/admin/networks', { signal: ctx.signal })
    .then((data) => {
      if (ctx.signal.aborted || !Array.isArray(data?.networks)) return;
      for (const n of data.networks) {
        const slug = str(n?.slug);
        if (SLUG_RE.test(slug)) known.set(slug, str(n?.name) || slug);
      }
      const hadFocus = document.activeElement === select;
      fillOptions();
      if (hadFocus) select.focus();
      onName(known.get(network.slug));
    })
    .catch(() => {});

  return h('div', { class: 'harbour-admin-network' }, chooseForm);
}

/** The roles a space can be opened to, in plain words. */
export const SPACE_ROLES = [
  { value: 'member', label: 'Members (former patients)' },
  { value: 'carer', label: 'Carers and family' },
  { value: 'volunteer', label: 'Volunteers' },
  { value: 'peer_supporter', label: 'Peer supporters' },
  { value: 'clinician', label: 'Clinicians' },
];

/** "Members (former patients), Carers and family" from ["member", "carer"] ("Staff only" when empty). */
export function rolesInWords(roles) {
  const list = Array.isArray(roles) ? roles : [];
  const words = SPACE_ROLES.filter((r) => list.includes(r.value)).map((r) => r.label);
  return words.length ? words.join(', ') : 'Staff only';
}

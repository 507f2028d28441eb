// Crisis contacts: the static national fallback (shipped in the bundle, so it shows even when
// the server cannot be reached) and the rendering of one contact as an NHS.UK card.
import { getJson } from './api.js';
import { arrowRightCircleIcon, h } from './dom.js';

/**
 * National contacts for England, always available. Same shape as the API's crisis_contacts.
 * A person in crisis must never see an empty page, so these show while loading and on failure.
 */
export const NATIONAL_CONTACTS = Object.freeze([
  {
    id: 'emergency',
    name: 'Emergency services',
    description: 'If you or someone else is in immediate danger, or has seriously hurt themselves, call 999 or go to A&E now.',
    action: 'call',
    number: '999',
    available: '24 hours, every day',
  },
  {
    id: 'nhs111',
    name: 'NHS 111, option 2',
    description: 'Call 111 and choose option 2 for the NHS mental health crisis line.',
    action: 'call',
    number: '111',
    available: '24 hours, every day',
  },
  {
    id: 'samaritans',
    name: 'Samaritans',
    description: 'Free to call, to talk about anything that is troubling you.',
    action: 'call',
    number: '116 123',
    available: '24 hours, every day',
  },
  {
    id: 'shout',
    name: 'Shout',
    description: 'Text SHOUT to 85258 for free, confidential support by text.',
    action: 'text',
    number: '85258',
    text_body: 'SHOUT',
    available: '24 hours, every day',
  },
]);

const str = (v) => (typeof v === 'string' ? v.trim() : '');

/** Digits (and a leading +) of a phone number, for tel: and sms: links. */
export function dialable(number) {
  const s = str(number);
  const digits = s.replace(/[^\d]/g, '');
  if (!digits) return '';
  return (s.startsWith('+') ? '+' : '') + digits;
}

/** Only plain web links are followed from contact data. */
function safeWebUrl(raw) {
  try {
    const url = new URL(str(raw));
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : '';
  } catch {
    return '';
  }
}

/**
 * Work out the link for a contact, or null when it cannot be used (for example an empty
 * number: such contacts are skipped).
 * @returns {{href: string, text: string} | null}
 */
export function contactAction(contact) {
  if (!contact || typeof contact !== 'object') return null;
  const action = str(contact.action);
  const name = str(contact.name);
  if (action === 'call') {
    const tel = dialable(contact.number);
    return tel ? { href: `tel:${tel}`, text: `Call ${str(contact.number)}` } : null;
  }
  if (action === 'text') {
    const sms = dialable(contact.number);
    if (!sms) return null;
    const body = str(contact.text_body);
    return body
      ? { href: `sms:${sms}?&body=${encodeURIComponent(body)}`, text: `Text ${body} to ${str(contact.number)}` }
      : { href: `sms:${sms}`, text: `Text ${str(contact.number)}` };
  }
  if (action === 'link') {
    const href = safeWebUrl(contact.url);
    return href && name ? { href, text: `Go to the ${name} website` } : null;
  }
  return null;
}

/** Contacts that can be shown, in order. */
export function usableContacts(list) {
  return Array.isArray(list) ? list.filter((c) => str(c?.name) && contactAction(c)) : [];
}

export function isEmergency(contact) {
  return str(contact.id) === 'emergency' || dialable(contact.number) === '999';
}

/** One contact as an NHS.UK card; the 999 contact as an "emergency" care card. */
export function renderContact(contact) {
  const action = contactAction(contact);
  if (!action) return null;
  const emergency = isEmergency(contact);
  const description = str(contact.description);
  const available = str(contact.available);

  const link = h(
    'a',
    { class: `nhsuk-action-link${emergency ? ' nhsuk-action-link--reverse' : ''} harbour-contact__action`, href: action.href },
    arrowRightCircleIcon(),
    h('span', { class: 'nhsuk-action-link__text', text: action.text }),
  );
  const body = [
    description ? h('p', { class: 'nhsuk-card__description', text: description }) : null,
    link,
    available ? h('p', { class: 'nhsuk-body-s harbour-contact__available', text: `Available: ${available}` }) : null,
  ];

  if (emergency) {
    return h(
      'div',
      { class: 'nhsuk-card nhsuk-card--care nhsuk-card--care--emergency harbour-contact', 'data-contact-id': str(contact.id) },
      h(
        'div',
        { class: 'nhsuk-card__heading-container' },
        h('h2', { class: 'nhsuk-card__heading' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Immediate action required: ' }), str(contact.name)),
        h('span', { class: 'nhsuk-card--care__arrow', 'aria-hidden': 'true' }),
      ),
      h('div', { class: 'nhsuk-card__content' }, body),
    );
  }
  return h(
    'div',
    { class: 'nhsuk-card harbour-contact', 'data-contact-id': str(contact.id) },
    h('div', { class: 'nhsuk-card__content' }, h('h2', { class: 'nhsuk-card__heading nhsuk-heading-m', text: str(contact.name) }), body),
  );
}

/**
 * The crisis contacts of a network as cards: the national ones at once (and if the network's
 * cannot be loaded), then the network's own, always with 999 first.
 * @param {string} slug
 * @param {AbortSignal} signal
 * @param {Record<string, string>} [attrs] attributes of the container (id, class)
 */
export function crisisContactList(slug, signal, attrs = {}) {
  const list = h('div', { ...attrs, class: `harbour-contacts${attrs.class ? ` ${attrs.class}` : ''}` });
  const show = (contacts) => list.replaceChildren(...contacts.map(renderContact).filter(Boolean));
  show(NATIONAL_CONTACTS);
  getJson(`/networks/${encodeURIComponent(slug)}/crisis-contacts`, { signal })
    .then((data) => {
      const contacts = usableContacts(data?.crisis_contacts);
      if (!contacts.length || signal.aborted) return;
      if (!contacts.some(isEmergency)) contacts.unshift(NATIONAL_CONTACTS[0]);
      show(contacts);
    })
    .catch(() => {});
  return list;
}

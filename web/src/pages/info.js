// Short information pages linked from the footer.
import { h } from '../dom.js';

function column(...children) {
  return h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-two-thirds' }, ...children));
}

export const accessibilityPage = {
  title: 'Accessibility',
  render(main) {
    main.append(
      column(
        h('h1', { text: 'Accessibility' }),
        h('p', {
          class: 'nhsuk-lede-text',
          text: 'We want everyone to be able to use Harbour, including people who use a screen reader, a keyboard or a magnifier.',
        }),
        h('p', {
          text: 'Harbour is built with the NHS.UK design system and aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA.',
        }),
        h('h2', { class: 'nhsuk-heading-m', text: 'What you can do' }),
        h(
          'ul',
          {},
          h('li', { text: 'zoom in up to 400% without text spilling off the screen' }),
          h('li', { text: 'move around every page with just a keyboard' }),
          h('li', { text: 'use a screen reader, such as NVDA, JAWS or VoiceOver' }),
          h('li', { text: 'leave the site quickly by pressing the Esc key 3 times' }),
        ),
        h('h2', { class: 'nhsuk-heading-m', text: 'If something does not work for you' }),
        h('p', {
          text: 'Please tell the talking therapy service that invited you. They will pass it on, and we will try to fix it.',
        }),
      ),
    );
  },
};

export const privacyPage = {
  title: 'Privacy',
  render(main) {
    main.append(
      column(
        h('h1', { text: 'Privacy' }),
        h('p', {
          class: 'nhsuk-lede-text',
          text: 'Harbour has no adverts and no tracking, and it does not load anything from other websites.',
        }),
        h('h2', { class: 'nhsuk-heading-m', text: 'Cookies' }),
        h('p', {
          text: 'When you sign in, Harbour uses one essential cookie to keep you signed in. It is not used to track you.',
        }),
        h('h2', { class: 'nhsuk-heading-m', text: 'Who can see what you share' }),
        h('p', {
          text: 'What you post is seen only by members of your own community and its moderators. The talking therapy service that runs your community is responsible for your information.',
        }),
      ),
    );
  },
};

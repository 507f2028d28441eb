// 404 for unknown client routes.
import { h } from '../dom.js';

export const notFoundPage = {
  title: 'Page not found',
  render(main) {
    main.append(
      h(
        'div',
        { class: 'nhsuk-grid-row' },
        h(
          'div',
          { class: 'nhsuk-grid-column-two-thirds' },
          h('h1', { text: 'Page not found' }),
          h('p', { text: 'If you typed the web address, check it is correct.' }),
          h('p', { text: 'If you pasted the web address, check you copied the entire address.' }),
          h('p', {}, 'You can ', h('a', { href: '/', text: 'go to the Harbour home page' }), '.'),
          h('p', {}, 'If you need help now, see ', h('a', { href: '/urgent-help', text: 'who to contact for urgent help' }), '.'),
        ),
      ),
    );
  },
};

// Home: what Harbour is, how to join, and whether the server can be reached.
import { getJson } from '../api.js';
import { h, insetText } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { onSessionChange } from '../session.js';

export const homePage = {
  title: 'Harbour',
  render(main, { signal }) {
    const status = h(
      'p',
      { class: 'harbour-status harbour-status--checking', role: 'status', id: 'server-status' },
      'Checking whether Harbour can be reached\u2026',
    );

    // Signed in or not: a pointer to the account, or to the sign-in page.
    const account = h('p', { id: 'home-account' });
    onSessionChange((state) => {
      if (state.status === 'signed-in' && state.session) {
        account.replaceChildren('You are signed in as ', h('strong', { text: state.session.user.pseudonym }), '. ', h('a', { href: '/account', text: 'Go to your account' }), '.');
      } else if (state.status !== 'loading') {
        account.replaceChildren('Already joined? ', h('a', { href: '/sign-in', text: 'Sign in to Harbour' }), '.');
      }
    }, signal);

    main.append(
      h(
        'div',
        { class: 'nhsuk-grid-row' },
        h(
          'div',
          { class: 'nhsuk-grid-column-two-thirds' },
          takeFlashBanner(),
          h('h1', { text: 'Welcome to Harbour' }),
          h('p', {
            class: 'nhsuk-lede-text',
            text:
              'Harbour is a safe, moderated online community for people who have finished NHS talking therapy, and for their relatives and carers.',
          }),
          h(
            'p',
            {},
            'It is a place to keep in touch with others who understand, share what helps, and find trusted resources. ',
            'Moderators from your service look after it, so it stays kind and safe.',
          ),
          h('h2', { class: 'nhsuk-heading-m', text: 'Joining Harbour' }),
          insetText(
            h('p', {}, h('strong', { text: 'Invitation needed:' }), ' your therapist will send you an invitation.'),
          ),
          h('p', {}, 'When you have your invitation, open its link to ', h('a', { href: '/join', text: 'join Harbour' }), '.'),
          account,
          h('h2', { class: 'nhsuk-heading-m', text: 'If you need help now' }),
          h(
            'p',
            {},
            'Harbour is not an emergency service. If you need help now, see ',
            h('a', { href: '/urgent-help', text: 'who to contact for urgent help' }),
            '.',
          ),
          h('h2', { class: 'nhsuk-heading-m', text: 'Leaving this site quickly' }),
          h(
            'p',
            {},
            'Select \u201cLeave this site\u201d at the top of any page, or press the Esc key 3 times, to leave Harbour straight away. ',
            'This opens the BBC Weather website in the same tab. It does not clear your browsing history.',
          ),
          h('h2', { class: 'nhsuk-heading-s', text: 'Service status' }),
          status,
        ),
      ),
    );

    getJson('/status', { signal })
      .then((data) => {
        if (signal.aborted) return;
        if (data?.status !== 'ok') throw new Error('not ok');
        const version = typeof data.version === 'string' && data.version ? ` (version ${data.version})` : '';
        status.textContent = `Harbour is up${version}.`;
        status.className = 'harbour-status harbour-status--up';
      })
      .catch(() => {
        if (signal.aborted) return;
        status.textContent = 'Harbour cannot be reached right now. Please try again later.';
        status.className = 'harbour-status harbour-status--down';
      });
  },
};

// /account: who you are on Harbour, your communities, and signing out (here or everywhere).
import { h, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy } from '../forms.js';
import { invitingNetworks, isStaffRole, roleTitle, signOut, withNext } from '../session.js';
import { column, whenSignedIn } from './common.js';

function row(key, ...value) {
  return h('div', { class: 'nhsuk-summary-list__row' }, h('dt', { class: 'nhsuk-summary-list__key' }, key), h('dd', { class: 'nhsuk-summary-list__value' }, ...value));
}

/** The two-step sign-in row: on or off, and what to do next. */
function twoStepValue(sf) {
  const state = (text) => h('span', { id: 'account-two-step', text });
  if (!sf.enrolled) {
    return [
      h('p', {}, state('Off'), '. Staff tools stay locked until you set it up.'),
      h('p', {}, h('a', { href: '/account/two-step', text: 'Set up two-step sign-in' })),
    ];
  }
  if (sf.required && !sf.done) {
    return [
      h('p', {}, state('On'), '. You have not entered a code since you signed in, so staff tools are locked.'),
      h('p', {}, h('a', { href: withNext('/sign-in/two-step', '/account'), text: 'Enter a code from your app' })),
    ];
  }
  return [
    h('p', {}, state('On'), '. You have entered a code from your app since you signed in.'),
    h('p', {}, h('a', { href: '/account/two-step', text: 'About two-step sign-in' })),
  ];
}

export const accountPage = {
  title: 'Your account',
  render(main, ctx) {
    const area = h('div');
    main.append(column(takeFlashBanner(), h('h1', { text: 'Your account' }), area));
    whenSignedIn(ctx, area, (session) => show(area, session, ctx));
  },
};

function show(area, session, ctx) {
  const { user, memberships, second_factor: sf } = session;

  const communities = memberships.length
    ? h(
        'ul',
        { class: 'nhsuk-list harbour-memberships', id: 'account-memberships' },
        memberships.map((m) =>
          h('li', {}, h('span', { class: 'harbour-memberships__name', text: m.network.name }), ': ', roleTitle(m.role), m.active ? null : ' (paused)'),
        ),
      )
    : h('p', { text: 'You are not part of a community yet.' });

  const rows = [row('Name on Harbour', h('span', { id: 'account-pseudonym', text: user.pseudonym })), row('Communities', communities)];
  if (user.is_admin) rows.push(row('Administrator', 'Yes: you look after Harbour for everyone'));
  const staff = user.is_admin || memberships.some((m) => isStaffRole(m.role));
  if (staff || sf.required || sf.enrolled) {
    rows.push(row(['Two-step ', h('span', { class: 'harbour-nowrap', text: 'sign-in' })], ...twoStepValue(sf)));
  }

  const parts = [h('dl', { class: 'nhsuk-summary-list' }, rows)];

  // Staff tools that work now.
  const inviting = invitingNetworks(session);
  if (inviting.length || user.is_admin) {
    const links = inviting.length
      ? inviting.map((m) =>
          h('li', {}, h('a', { href: `/staff/invitations?network=${encodeURIComponent(m.network.slug)}`, text: `Invite people to ${m.network.name}` })),
        )
      : [h('li', {}, h('a', { href: '/staff/invitations', text: 'Invite people' }))];
    parts.push(h('h2', { class: 'nhsuk-heading-m', text: 'Staff tools' }), h('ul', {}, links));
  }

  if (user.is_admin) {
    parts.push(
      h('h2', { class: 'nhsuk-heading-m', text: 'Administration' }),
      h('ul', { id: 'account-admin' }, h('li', {}, h('a', { href: '/admin/users', text: 'People on Harbour' })), h('li', {}, h('a', { href: '/admin/audit', text: 'Audit log' }))),
    );
  }

  parts.push(
    h('h2', { class: 'nhsuk-heading-m', text: 'Your posts and reading' }),
    h(
      'ul',
      { id: 'account-content' },
      h('li', {}, h('a', { href: '/account/posts', text: 'Your posts' })),
      h('li', {}, h('a', { href: '/account/messages', id: 'account-messages-link', text: 'Messages from the team' })),
      h('li', {}, h('a', { href: '/account/reading', text: 'Reading settings: content notes' })),
      h('li', {}, h('a', { href: '/account/mutes', text: 'Muted members' })),
    ),
    h('h2', { class: 'nhsuk-heading-m', text: 'Your data' }),
    h('p', {}, h('a', { href: '/account/data', id: 'account-data-link', text: 'Download your data or delete your account' })),
  );

  // Sign out of this device.
  const signOutButton = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'sign-out', text: 'Sign out' });
  const signOutProblem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
  signOutButton.addEventListener('click', async () => {
    busy(signOutButton, true, 'Signing out\u2026');
    try {
      await signOut();
      setFlash('You have signed out.', 'Thank you for visiting Harbour.');
      ctx.navigate('/', { force: true });
    } catch (err) {
      busy(signOutButton, false);
      signOutProblem.textContent = err?.message || 'We could not sign you out. Please try again.';
    }
  });

  // Sign out everywhere, with a confirm step.
  const everywhere = h('div', { id: 'sign-out-everywhere' });
  const showAsk = (focus) => {
    const ask = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'sign-out-all', text: 'Sign out on all devices' });
    ask.addEventListener('click', () => showConfirm());
    setChildren(
      everywhere,
      h('p', { text: 'This signs you out on every phone, tablet and computer where you are signed in to Harbour, including this one.' }),
      h('p', { text: 'Use it if you signed in on a shared device, or lost a device.' }),
      ask,
    );
    if (focus) ask.focus();
  };
  const showConfirm = () => {
    const yes = h('button', { class: 'nhsuk-button', type: 'button', id: 'sign-out-all-confirm', text: 'Yes, sign out on all devices' });
    const cancel = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'sign-out-all-cancel', text: 'Cancel' });
    const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
    const heading = h('h3', { class: 'nhsuk-card__heading', tabindex: '-1', id: 'sign-out-all-question', text: 'Sign out on all devices?' });
    yes.addEventListener('click', async () => {
      busy(yes, true, 'Signing out\u2026');
      cancel.disabled = true;
      try {
        await signOut({ everywhere: true });
        setFlash('You have signed out on all devices.', 'To use Harbour again, sign in.');
        ctx.navigate('/', { force: true });
      } catch (err) {
        busy(yes, false);
        cancel.disabled = false;
        problem.textContent = err?.message || 'We could not sign you out everywhere. Please try again.';
      }
    });
    cancel.addEventListener('click', () => showAsk(true));
    setChildren(
      everywhere,
      h(
        'div',
        { class: 'nhsuk-card nhsuk-card--warning' },
        h(
          'div',
          { class: 'nhsuk-card__content' },
          heading,
          h('p', { text: 'You will be signed out everywhere, including on this device. You will need your name and password to sign in again.' }),
          problem,
          h('div', { class: 'nhsuk-button-group' }, yes, cancel),
        ),
      ),
    );
    heading.focus();
  };
  showAsk(false);

  parts.push(
    h('h2', { class: 'nhsuk-heading-m', text: 'Sign out' }),
    h('p', { text: 'Sign out when you have finished, especially on a shared device.' }),
    signOutProblem,
    signOutButton,
    h('h2', { class: 'nhsuk-heading-m', text: 'Sign out on all devices' }),
    everywhere,
  );
  area.replaceChildren(...parts);
}

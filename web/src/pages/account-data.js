// /account/data: download everything Harbour holds about you, and delete your account (with a
// choice about your posts, your password, and a last confirm step). After deleting, a calm
// confirmation, and the header shows you as signed out.
import { ApiError, postJson, setCsrfToken } from '../api.js';
import { h, insetText, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { busy, errorSummary, passwordField, radiosField } from '../forms.js';
import { refreshSession } from '../session.js';
import { column, whenSignedIn } from './common.js';

const TITLE = 'Your data';

export const accountDataPage = {
  title: TITLE,
  render(main, ctx) {
    const heading = h('h1', { text: TITLE });
    const summary = errorSummary();
    const area = h('div');
    main.append(column(takeFlashBanner(), summary.element, heading, area));
    whenSignedIn(ctx, area, (session) => show({ area, heading, summary, ctx, session }));
  },
};

function show(page) {
  const { area, summary, ctx } = page;

  const download = h('a', {
    class: 'nhsuk-button nhsuk-button--secondary',
    id: 'data-download',
    href: '/api/v1/account/export',
    download: 'harbour-data.json',
    draggable: 'false',
    text: 'Download your data',
  });

  const content = radiosField({
    id: 'erase-content',
    legend: 'What should happen to your posts and replies?',
    legendClass: 'nhsuk-fieldset__legend--s',
    options: [
      { value: 'anonymise', label: 'Keep them, without my name', hint: 'They stay in the conversation, shown as from "a former member", so replies to them still make sense.' },
      { value: 'remove', label: 'Remove them', hint: 'They are taken out of the community. Replies from other people stay.' },
    ],
  });
  const password = passwordField({ id: 'erase-password', label: 'Your password', hint: 'To check it is you.', autocomplete: 'current-password' });
  const submit = h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'submit', id: 'erase-continue', text: 'Continue' });
  const confirmArea = h('div', { id: 'erase-confirm' });
  const form = h('form', { novalidate: true, id: 'erase-form' }, content.group, password.group, submit, confirmArea);

  setChildren(
    area,
    h('p', { class: 'nhsuk-lede-text', text: 'You can see everything Harbour holds about you, and you can delete your account at any time.' }),
    h('h2', { class: 'nhsuk-heading-m', text: 'Download your data' }),
    h('p', { text: 'You will get one file (in a format called JSON) with your name on Harbour, your communities, your posts and replies, and when you signed in.' }),
    h('p', { text: 'It does not include your password: Harbour does not keep it in a form anyone can read.' }),
    h('p', { text: 'Keep the file somewhere private. If you use a shared device, delete it when you have finished.' }),
    download,
    h('h2', { class: 'nhsuk-heading-m', text: 'Delete your account' }),
    h('p', { text: 'If you delete your account:' }),
    h(
      'ul',
      {},
      h('li', { text: 'you will be signed out on every device' }),
      h('li', { text: 'your name on Harbour, password and sign-in details are deleted' }),
      h('li', { text: 'you cannot undo it, but you can join again later with a new invitation' }),
    ),
    insetText(h('p', { text: 'Harbour keeps a short record that an account was deleted, without your details, because the service must be able to show what happened.' })),
    form,
  );

  const errorsShow = (errors) => {
    content.setError(errors.find((e) => e.field === content.input)?.message ?? null);
    password.setError(errors.find((e) => e.field === password.input)?.message ?? null);
    summary.show(errors);
    ctx.setTitle(`${errors.length ? 'Error: ' : ''}${TITLE}`);
  };

  const erase = async (yes, no) => {
    busy(yes, true, 'Deleting your account\u2026');
    no.disabled = true;
    try {
      await postJson('/account/erase', { password: password.value(), content: content.value() });
    } catch (err) {
      if (ctx.signal.aborted) return;
      busy(yes, false);
      no.disabled = false;
      confirmArea.replaceChildren();
      submit.hidden = false;
      const code = err instanceof ApiError ? err.code : 'unreachable';
      if (code === 'sign_in_required') {
        refreshSession().then(() => !ctx.signal.aborted && ctx.navigate(`/sign-in?next=${encodeURIComponent('/account/data')}`, { replace: true }));
        return;
      }
      const wrongPassword = err instanceof ApiError && (err.status === 401 || (err.status === 400 && /password/.test(code)));
      if (wrongPassword) password.clear();
      errorsShow([{ field: wrongPassword ? password.input : code.includes('content') ? content.input : null, message: err?.message || 'We could not delete your account. Please try again.' }]);
      return;
    }
    setCsrfToken(null);
    refreshSession();
    if (ctx.signal.aborted) return;
    showErased(page, content.value());
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const errors = [];
    if (!content.value()) errors.push({ field: content.input, message: 'Select what should happen to your posts and replies' });
    if (!password.value()) errors.push({ field: password.input, message: 'Enter your password' });
    errorsShow(errors);
    if (errors.length) return;
    const question = h('h3', { class: 'nhsuk-card__heading', tabindex: '-1', id: 'erase-question', text: 'Delete your account now?' });
    const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'button', id: 'erase-yes', text: 'Yes, delete my account' });
    const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'erase-cancel', text: 'Cancel' });
    yes.addEventListener('click', () => erase(yes, no));
    no.addEventListener('click', () => {
      confirmArea.replaceChildren();
      submit.hidden = false;
      submit.focus();
    });
    submit.hidden = true;
    confirmArea.replaceChildren(
      h(
        'div',
        { class: 'nhsuk-card nhsuk-card--warning' },
        h(
          'div',
          { class: 'nhsuk-card__content' },
          question,
          h('p', {
            text:
              content.value() === 'remove'
                ? 'Your account will be deleted and your posts and replies removed. This cannot be undone.'
                : 'Your account will be deleted. Your posts and replies will stay, without your name. This cannot be undone.',
          }),
          h('div', { class: 'nhsuk-button-group' }, yes, no),
        ),
      ),
    );
    question.focus();
  });
}

function showErased(page, choice) {
  const title = 'Your account has been deleted';
  page.heading.textContent = title;
  page.ctx.setTitle(title);
  page.summary.show([]);
  setChildren(
    page.area,
    h('p', { class: 'nhsuk-lede-text', id: 'erase-done', text: 'You have been signed out, and your account has been deleted.' }),
    h('p', {
      text:
        choice === 'remove'
          ? 'Your posts and replies have been removed from the community.'
          : 'Your posts and replies stay in the community, without your name.',
    }),
    h('p', { text: 'Thank you for being part of Harbour. If you would like to come back, ask your service for a new invitation.' }),
    h('p', {}, 'If you need to talk to someone now, ', h('a', { href: '/urgent-help', text: 'find urgent help' }), '.'),
    h('p', {}, h('a', { href: '/', text: 'Go to the Harbour home page' })),
  );
  page.heading.setAttribute('tabindex', '-1');
  window.scrollTo(0, 0);
  page.heading.focus({ preventScroll: true });
}

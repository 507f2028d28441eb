// /sign-in[?next=/path]: pseudonym and password. Afterwards, back to where the person came from.
import { ApiError, errorMessage, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { takeFlashBanner } from '../flash.js';
import { busy, errorSummary, passwordField, textField } from '../forms.js';
import { adoptSignIn, afterSignInPath, needsSecondStep, secondStepPath, sessionReady, withNext } from '../session.js';
import { column, loadingLine, safeNext } from './common.js';

export const signInPage = {
  title: 'Sign in',
  render(main, ctx) {
    const { signal, setTitle, url } = ctx;
    const next = safeNext(url.searchParams.get('next'));
    const summary = errorSummary();
    const area = h('div', {}, loadingLine('Loading\u2026'));
    main.append(column(takeFlashBanner(), summary.element, h('h1', { text: 'Sign in' }), area));

    sessionReady().then((state) => {
      if (signal.aborted) return;
      if (state.status === 'signed-in' && state.session) {
        setChildren(
          area,
          h('p', {}, 'You are already signed in as ', h('strong', { text: state.session.user.pseudonym }), '.'),
          needsSecondStep(state.session)
            ? h('p', {}, h('a', { href: secondStepPath(state.session, next), text: state.session.second_factor.enrolled ? 'Enter the code from your authenticator app' : 'Set up two-step sign-in' }))
            : h('p', {}, h('a', { href: next, text: next === '/' ? 'Go to the Harbour home page' : 'Continue' })),
          h('p', {}, h('a', { href: '/account', text: 'Go to your account' })),
        );
        return;
      }
      showForm();
    });

    function showForm() {
      const pseudonym = textField({
        id: 'pseudonym',
        label: 'Your name on Harbour',
        hint: 'The name you chose when you joined.',
        autocomplete: 'username',
        spellcheck: false,
        attrs: { autocapitalize: 'none' },
      });
      const password = passwordField({ id: 'password', label: 'Password', autocomplete: 'current-password' });
      const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Sign in' });
      const form = h('form', { novalidate: true, id: 'sign-in-form' }, pseudonym.group, password.group, submit);
      setChildren(
        area,
        next !== '/' ? h('p', { text: 'You need to sign in to see that page.' }) : null,
        form,
        h('h2', { class: 'nhsuk-heading-s', text: 'If you cannot sign in' }),
        h('p', {
          text: 'If you have forgotten your name or password, contact the talking therapy service that invited you. They can help you get back in.',
        }),
        h('p', {}, 'New to Harbour? You need an invitation to join. ', h('a', { href: '/join', text: 'Find out how to join' }), '.'),
      );

      const showErrors = (errors) => {
        for (const f of [pseudonym, password]) f.setError(errors.find((e) => e.field === f.input && e.inline)?.message ?? null);
        summary.show(errors);
        setTitle(errors.length ? 'Error: Sign in' : 'Sign in');
      };

      let submitting = false;
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (submitting) return;
        const name = pseudonym.value().trim();
        const pw = password.value();
        const errors = [];
        if (!name) errors.push({ field: pseudonym.input, inline: true, message: 'Enter your name on Harbour' });
        if (!pw) errors.push({ field: password.input, inline: true, message: 'Enter your password' });
        showErrors(errors);
        if (errors.length) return;

        submitting = true;
        busy(submit, true, 'Signing in\u2026');
        let reply;
        try {
          reply = await postJson('/session', { pseudonym: name, password: pw });
        } catch (err) {
          submitting = false;
          busy(submit, false);
          if (signal.aborted) return;
          password.clear();
          const message = errorMessage(err);
          // One message for a wrong name, a wrong password or a locked account: it does not
          // say which, so it is not shown beside either field.
          const field = err instanceof ApiError && err.code === 'sign_in_failed' ? pseudonym.input : null;
          showErrors([{ field, message }]);
          return;
        }
        const state = await adoptSignIn(reply);
        // Staff: the second step (a code from their app) comes next, then on to `next`.
        let to = next;
        if (state.session) to = afterSignInPath(state.session, next);
        else if (reply?.second_factor_required === true) to = withNext('/sign-in/two-step', next);
        ctx.navigate(to, { replace: true });
      });
    }
  },
};

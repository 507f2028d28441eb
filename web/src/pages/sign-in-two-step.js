// /sign-in/two-step[?next=/path][&use=recovery-code]: the second step of signing in, for staff
// with two-step sign-in on: a 6-digit code from their authenticator app, or (with
// ?use=recovery-code) one of their recovery codes (POST /session/second-factor). Afterwards,
// on to where the person was going.
import { ApiError, errorMessage, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy, codeDigits, errorSummary, oneTimeCodeField, textField } from '../forms.js';
import { needsSecondStep, refreshSession, secondStepPath, sessionReady, withNext } from '../session.js';
import { column, loadingLine, safeNext } from './common.js';

const RECOVERY = 'recovery-code';

/** This page's address in the other mode (app code or recovery code), keeping ?next=. */
function otherModeHref(next, useRecovery) {
  const params = new URLSearchParams();
  if (!useRecovery) params.set('use', RECOVERY);
  if (next !== '/') params.set('next', next);
  const query = params.toString();
  return `/sign-in/two-step${query ? `?${query}` : ''}`;
}

export const signInTwoStepPage = {
  title: 'Two-step sign-in',
  render(main, ctx) {
    const { signal, url } = ctx;
    const next = safeNext(url.searchParams.get('next'));
    const useRecovery = url.searchParams.get('use') === RECOVERY;
    const title = useRecovery ? 'Use a recovery code' : 'Two-step sign-in';
    const heading = h('h1', { text: title });
    const summary = errorSummary();
    const area = h('div', {}, loadingLine('Loading\u2026'));
    main.append(column(takeFlashBanner(), summary.element, heading, area));
    ctx.setTitle(title);

    sessionReady().then((state) => {
      if (signal.aborted) return;
      if (state.status === 'signed-out') {
        ctx.navigate(withNext('/sign-in', next), { replace: true });
        return;
      }
      if (state.status !== 'signed-in' || !state.session) {
        setChildren(
          area,
          h('p', { text: 'We could not check whether you are signed in, because Harbour could not be reached.' }),
          h('p', {}, h('a', { href: url.pathname + url.search, 'data-router': 'off', text: 'Try again' })),
        );
        return;
      }
      const { session } = state;
      if (!needsSecondStep(session)) {
        setChildren(
          area,
          h('p', { class: 'nhsuk-lede-text', id: 'two-step-not-needed', text: 'You do not need to enter a code right now.' }),
          h('p', {}, h('a', { href: next, text: next === '/' ? 'Go to the Harbour home page' : 'Continue' })),
        );
        return;
      }
      if (!session.second_factor.enrolled) {
        // Not set up yet: set it up instead (that completes this sign-in too).
        ctx.navigate(secondStepPath(session, next), { replace: true });
        return;
      }
      showForm();
    });

    function showForm() {
      const field = useRecovery
        ? textField({
            id: 'recovery-code',
            label: 'Recovery code',
            hint: 'For example, ABCDE-FGH23. Capital letters and the dash do not matter.',
            autocomplete: 'off',
            spellcheck: false,
            width: 10,
            attrs: { autocapitalize: 'characters', maxlength: '32' },
          })
        : oneTimeCodeField({ id: 'code', label: 'Code from your app', hint: 'For example, 123456. The code changes every 30 seconds.' });
      const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Continue' });
      const form = h('form', { novalidate: true, id: 'two-step-form' }, field.group, submit);
      setChildren(
        area,
        useRecovery
          ? h('p', {
              class: 'nhsuk-lede-text',
              text: 'Enter one of the recovery codes you saved when you set up two-step sign-in. Each code works once.',
            })
          : h('p', { class: 'nhsuk-lede-text', text: 'Open the authenticator app on your phone, and enter the 6-digit code it shows for Harbour.' }),
        form,
        h(
          'p',
          {},
          h('a', {
            href: otherModeHref(next, useRecovery),
            id: 'two-step-switch',
            text: useRecovery ? 'Use a code from your app instead' : 'Use a recovery code instead',
          }),
        ),
        h('h2', { class: 'nhsuk-heading-s', text: 'If you cannot get a code' }),
        h('p', {
          text: 'If you have lost your phone and have no recovery codes left, contact a Harbour administrator. They can help you get back in.',
        }),
      );

      const showErrors = (errors) => {
        field.setError(errors.find((e) => e.field === field.input && e.inline)?.message ?? null);
        summary.show(errors);
        ctx.setTitle(errors.length ? `Error: ${title}` : title);
      };

      let submitting = false;
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (submitting) return;
        const errors = [];
        let body;
        if (useRecovery) {
          const typed = field.value().trim();
          if (!typed) errors.push({ field: field.input, inline: true, message: 'Enter a recovery code' });
          body = { recovery_code: typed };
        } else {
          const digits = codeDigits(field.value());
          if (!digits) errors.push({ field: field.input, inline: true, message: 'Enter the 6-digit code from your authenticator app' });
          else if (!/^\d{6}$/.test(digits)) errors.push({ field: field.input, inline: true, message: 'The code must be 6 numbers, like 123456' });
          body = { code: digits };
        }
        showErrors(errors);
        if (errors.length) return;

        submitting = true;
        busy(submit, true, 'Checking\u2026');
        try {
          await postJson('/session/second-factor', body, { signal });
        } catch (err) {
          submitting = false;
          busy(submit, false);
          if (signal.aborted) return;
          const code = err instanceof ApiError ? err.code : 'unreachable';
          if (code === 'totp_not_enabled') {
            const state = await refreshSession();
            if (!signal.aborted) ctx.navigate(state.session ? secondStepPath(state.session, next) : withNext('/account/two-step', next), { replace: true });
            return;
          }
          if (code === 'sign_in_required') {
            await refreshSession();
            if (!signal.aborted) ctx.navigate(withNext('/sign-in', next), { replace: true });
            return;
          }
          field.input.value = '';
          showErrors([{ field: field.input, inline: code === 'code_incorrect', message: errorMessage(err) }]);
          return;
        }
        await refreshSession();
        if (signal.aborted) return;
        if (useRecovery) {
          setFlash('You signed in with a recovery code.', 'That code will not work again. If you have lost your phone, or are running out of codes, contact a Harbour administrator.');
        }
        ctx.navigate(next, { replace: true });
      });
    }
  },
};

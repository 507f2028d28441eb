// /account/two-step[?next=/path]: staff and admins set up two-step sign-in (TOTP).
//   1. what it is and why staff need it, and a button to start (POST /account/totp/enrol);
//   2. the setup key, typed into an authenticator app, and the first code from the app
//      (POST /account/totp/confirm), which turns it on and completes this sign-in's second step;
//   3. the 10 recovery codes, shown once, with copy and print.
// When it is already on, the page says so. The key and the codes stay in this page's memory
// only, and are inserted as text.
import { ApiError, errorMessage, postJson } from '../api.js';
import { h, insetText, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy, codeDigits, errorSummary, oneTimeCodeField, successBanner } from '../forms.js';
import { refreshSession, withNext } from '../session.js';
import { column, formatDateTime, safeNext, whenSignedIn } from './common.js';

const str = (v) => (typeof v === 'string' ? v.trim() : '');

export const accountTwoStepPage = {
  title: 'Two-step sign-in',
  render(main, ctx) {
    const heading = h('h1', { text: 'Two-step sign-in' });
    const summary = errorSummary();
    const banner = h('div', {}, takeFlashBanner());
    const area = h('div');
    main.append(column(banner, summary.element, heading, area));
    const rawNext = ctx.url.searchParams.get('next');
    const page = { ctx, heading, summary, banner, area, next: rawNext ? safeNext(rawNext) : null };
    whenSignedIn(ctx, area, (session) => show(page, session));
  },
};

/** Change the h1 and the document title together (title "Error: ..." while errors show). */
function setHeading(page, text, { error = false, focus = false } = {}) {
  // Words with a hyphen ("sign-in") are kept whole, so a big heading does not break at the hyphen.
  setChildren(page.heading, text.split(/( )/).map((word) => (word.includes('-') ? h('span', { class: 'harbour-nowrap', text: word }) : word)));
  page.ctx.setTitle(error ? `Error: ${text}` : text);
  if (focus) {
    page.heading.setAttribute('tabindex', '-1');
    page.heading.focus();
  }
}

function show(page, session) {
  const sf = session.second_factor;
  if (sf.enrolled) return showIsOn(page, session);
  if (!sf.required) return showNotNeeded(page);
  return showIntro(page, session);
}

/** A link that looks like a button (navigation stays a link for assistive technology). */
function buttonLink(href, text, id) {
  return h('a', { class: 'nhsuk-button', href, id, draggable: 'false', text });
}

function showNotNeeded(page) {
  setHeading(page, 'Two-step sign-in');
  setChildren(
    page.area,
    h('p', { class: 'nhsuk-lede-text', text: 'Two-step sign-in is for staff accounts. Your account does not need it.' }),
    h('p', { text: 'Staff use it because they can see members\u2019 private details.' }),
    h('p', {}, h('a', { href: '/account', text: 'Go to your account' })),
  );
}

function lostPhoneSection() {
  return [
    h('h2', { class: 'nhsuk-heading-m', text: 'If you lose your phone' }),
    h('p', {
      text: 'Sign in with one of the recovery codes you saved when you set up two-step sign-in. Each recovery code works once.',
    }),
    h('p', { text: 'If you have no recovery codes left, contact a Harbour administrator. They can help you get back in.' }),
  ];
}

function showIsOn(page, session) {
  const sf = session.second_factor;
  setHeading(page, 'Two-step sign-in');
  const parts = [
    h('p', { class: 'nhsuk-lede-text', id: 'two-step-state', text: 'Two-step sign-in is on for your account.' }),
    h('p', { text: 'Each time you sign in, Harbour asks for your password and then a 6-digit code from the authenticator app on your phone.' }),
  ];
  if (sf.required && !sf.done) {
    parts.push(
      insetText(h('p', { text: 'You have not entered a code since you signed in. Staff tools stay locked until you do.' })),
      buttonLink(withNext('/sign-in/two-step', page.next || '/account'), 'Enter a code from your app', 'two-step-enter-code'),
    );
  } else if (page.next) {
    parts.push(buttonLink(page.next, 'Continue', 'two-step-continue'));
  }
  parts.push(...lostPhoneSection(), h('p', {}, h('a', { href: '/account', text: 'Go to your account' })));
  setChildren(page.area, parts);
}

// ---------------------------------------------------------------------------------------
// Step 1: what it is, and start

function showIntro(page, session, problemText = '') {
  setHeading(page, 'Set up two-step sign-in', { focus: Boolean(problemText) });
  const start = h('button', { class: 'nhsuk-button', type: 'button', id: 'two-step-start', text: problemText ? 'Start again' : 'Start setting up' });
  const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert', id: 'two-step-start-problem', text: problemText });
  setChildren(
    page.area,
    h('p', {
      class: 'nhsuk-lede-text',
      text: 'Staff accounts on Harbour use two-step sign-in. When you sign in, you enter your password and then a 6-digit code from an app on your phone.',
    }),
    h('h2', { class: 'nhsuk-heading-m', text: 'Why staff need it' }),
    h('p', {
      text: 'As staff, you can see members\u2019 private details, such as messages held for checking and safeguarding concerns. Two-step sign-in means that someone who finds out your password still cannot sign in as you.',
    }),
    h('p', { text: 'Until you set it up, staff tools such as invitations stay locked.' }),
    h('h2', { class: 'nhsuk-heading-m', text: 'What you need' }),
    h(
      'ul',
      {},
      h('li', { text: 'your phone, with an authenticator app such as Microsoft Authenticator or Google Authenticator (any app that makes time-based codes will work)' }),
      h('li', { text: 'somewhere safe to keep 10 recovery codes, such as a password manager or a printed copy kept locked away' }),
      h('li', { text: 'about 5 minutes, somewhere nobody can see your screen' }),
    ),
    problem,
    start,
  );

  start.addEventListener('click', async () => {
    busy(start, true, 'Starting\u2026');
    problem.textContent = '';
    let reply;
    try {
      reply = await postJson('/account/totp/enrol', {}, { signal: page.ctx.signal });
    } catch (err) {
      if (page.ctx.signal.aborted) return;
      busy(start, false);
      if (err instanceof ApiError && err.code === 'totp_already_enabled') {
        const state = await refreshSession();
        if (!page.ctx.signal.aborted && state.session) show(page, state.session);
        return;
      }
      problem.textContent = errorMessage(err, 'We could not start setting up two-step sign-in. Please try again.');
      return;
    }
    if (page.ctx.signal.aborted) return;
    const key = str(reply?.manual_key);
    if (!key) {
      busy(start, false);
      problem.textContent = 'The server sent a reply that could not be read. Please try again.';
      return;
    }
    page.banner.replaceChildren(); // the welcome message has done its job
    showKeyStep(page, session, key, str(reply?.uri));
  });
}

// ---------------------------------------------------------------------------------------
// Step 2: the key, and the first code

/** Copy text to the clipboard; false when the browser would not (the caller then selects it). */
async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

function details(summaryText, ...body) {
  return h(
    'details',
    { class: 'nhsuk-details' },
    h('summary', { class: 'nhsuk-details__summary' }, h('span', { class: 'nhsuk-details__summary-text', text: summaryText })),
    h('div', { class: 'nhsuk-details__text' }, ...body),
  );
}

function showKeyStep(page, session, key, uri) {
  const { ctx, summary } = page;
  const groups = key.split(/\s+/).filter(Boolean);
  const keyBox = h(
    'p',
    { class: 'harbour-key', id: 'totp-key' },
    groups.map((g) => h('span', { class: 'harbour-key__group', text: g })),
  );
  const copy = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small harbour-copy-button', type: 'button', id: 'totp-key-copy', text: 'Copy key' });
  const copied = h('p', { class: 'nhsuk-body-s harbour-copy-status', role: 'status', id: 'totp-key-copy-status' });
  copy.addEventListener('click', async () => {
    const ok = await copyText(groups.join(''));
    if (!ok) window.getSelection()?.selectAllChildren(keyBox);
    copied.textContent = ok ? 'Key copied.' : 'The key could not be copied automatically. It is selected: copy it yourself, or type it into the app.';
  });

  const stepOne = h('h2', { class: 'nhsuk-heading-m', id: 'two-step-add', tabindex: '-1', text: '1. Add Harbour to your authenticator app' });
  const code = oneTimeCodeField({ id: 'totp-code', label: 'Code from your app', hint: 'For example, 123456. The code changes every 30 seconds.' });
  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Turn on two-step sign-in' });
  const form = h('form', { novalidate: true, id: 'totp-confirm-form' }, code.group, submit);

  const otherApps = [
    h('p', { text: 'Look for a way to add an account by typing a key, rather than by scanning a QR code. If the app asks, choose time-based (sometimes called TOTP), 6 digits, every 30 seconds.' }),
  ];
  if (uri.startsWith('otpauth://')) {
    otherApps.push(
      h(
        'p',
        {},
        'If you are reading this on the phone that has your authenticator app, you can ',
        h('a', { href: uri, 'data-router': 'off', id: 'totp-open-app', text: 'open the key in your app' }),
        ' instead of typing it.',
      ),
    );
  }

  setHeading(page, 'Set up two-step sign-in');
  setChildren(
    page.area,
    stepOne,
    h('p', { text: 'Make sure nobody can see your screen. The key below lets an app make codes for your account.' }),
    h(
      'ol',
      { class: 'nhsuk-list nhsuk-list--number' },
      h('li', { text: 'Open the authenticator app on your phone and choose to add an account.' }),
      h('li', { text: 'Choose to enter a key manually (it may say \u201cEnter a setup key\u201d or \u201cEnter code manually\u201d).' }),
      h('li', { text: 'For the account name, type Harbour.' }),
      h('li', { text: 'Type the key below. Spaces do not matter.' }),
      h('li', { text: 'If the app asks what type of key it is, choose time-based.' }),
    ),
    h(
      'div',
      { class: 'harbour-key-box' },
      h('p', { class: 'harbour-key-box__label', id: 'totp-key-label', text: 'Your setup key' }),
      keyBox,
      copy,
      copied,
    ),
    details(
      'Help with Microsoft Authenticator',
      h(
        'ol',
        { class: 'nhsuk-list nhsuk-list--number' },
        h('li', { text: 'Tap + (Add account).' }),
        h('li', { text: 'Choose \u201cOther account (Google, Facebook, etc.)\u201d.' }),
        h('li', { text: 'Tap \u201cOr enter code manually\u201d.' }),
        h('li', { text: 'Type Harbour as the account name, and the key as the secret key.' }),
        h('li', { text: 'Tap Finish.' }),
      ),
    ),
    details(
      'Help with Google Authenticator',
      h(
        'ol',
        { class: 'nhsuk-list nhsuk-list--number' },
        h('li', { text: 'Tap + (Add a code).' }),
        h('li', { text: 'Choose \u201cEnter a setup key\u201d.' }),
        h('li', { text: 'Type Harbour as the account, and the key as the key.' }),
        h('li', { text: 'Check that \u201cTime based\u201d is chosen, then tap Add.' }),
      ),
    ),
    details('Help with other apps', ...otherApps),
    h('h2', { class: 'nhsuk-heading-m', text: '2. Enter the code from the app' }),
    h('p', { text: 'Your app now shows a 6-digit code for Harbour. Enter it here to check that everything works.' }),
    form,
  );
  stepOne.focus();

  const showErrors = (errors) => {
    code.setError(errors.find((e) => e.field === code.input && e.inline)?.message ?? null);
    summary.show(errors);
    setHeading(page, 'Set up two-step sign-in', { error: errors.length > 0 });
  };

  let submitting = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitting) return;
    const digits = codeDigits(code.value());
    const errors = [];
    if (!digits) errors.push({ field: code.input, inline: true, message: 'Enter the 6-digit code from your authenticator app' });
    else if (!/^\d{6}$/.test(digits)) errors.push({ field: code.input, inline: true, message: 'The code must be 6 numbers, like 123456' });
    showErrors(errors);
    if (errors.length) return;

    submitting = true;
    busy(submit, true, 'Checking the code\u2026');
    let reply;
    try {
      reply = await postJson('/account/totp/confirm', { code: digits }, { signal: ctx.signal });
    } catch (err) {
      submitting = false;
      busy(submit, false);
      if (ctx.signal.aborted) return;
      const errCode = err instanceof ApiError ? err.code : 'unreachable';
      if (errCode === 'totp_not_enrolling') {
        // The key on show is no longer the one being set up (for example it was started again
        // in another tab): start again.
        showErrors([]);
        const state = await refreshSession();
        if (ctx.signal.aborted) return;
        if (state.session?.second_factor.enrolled) return show(page, state.session);
        showIntro(page, state.session || session, 'That setup key has stopped working, so two-step sign-in is not on yet. Please start again to get a new key.');
        return;
      }
      code.input.value = '';
      showErrors([{ field: code.input, inline: errCode === 'code_incorrect', message: errorMessage(err) }]);
      return;
    }
    if (ctx.signal.aborted) return;
    const codes = Array.isArray(reply?.recovery_codes) ? reply.recovery_codes.map(str).filter(Boolean) : [];
    showErrors([]);
    // Turned on, and this sign-in's second step is done: the header and other pages follow.
    refreshSession();
    showRecoveryCodes(page, session, codes);
  });
}

// ---------------------------------------------------------------------------------------
// Step 3: recovery codes, shown once

function showRecoveryCodes(page, session, codes) {
  const { ctx } = page;
  const list = h('ol', { class: 'harbour-recovery-codes', id: 'recovery-codes' }, codes.map((c) => h('li', { class: 'harbour-recovery-codes__code', text: c })));
  const made = formatDateTime(new Date().toISOString());

  const copy = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'recovery-codes-copy', text: 'Copy codes' });
  const print = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'recovery-codes-print', text: 'Print codes' });
  const status = h('p', { class: 'nhsuk-body-s harbour-copy-status', role: 'status', id: 'recovery-codes-status' });
  copy.addEventListener('click', async () => {
    const text = [`Harbour recovery codes for ${session.user.pseudonym}${made ? ` (made ${made})` : ''}`, 'Each code works once.', '', ...codes].join('\n');
    const ok = await copyText(text);
    if (!ok) window.getSelection()?.selectAllChildren(list);
    status.textContent = ok
      ? 'Codes copied. Paste them somewhere safe, such as a password manager.'
      : 'The codes could not be copied automatically. They are selected: copy them yourself, or write them down.';
  });
  print.addEventListener('click', () => window.print());

  const done = h('button', { class: 'nhsuk-button', type: 'button', id: 'recovery-codes-done', text: page.next ? 'I have saved my codes, continue' : 'I have saved my codes' });
  done.addEventListener('click', () => {
    setFlash('Two-step sign-in is on.', 'Next time you sign in, enter your password and then the code from your app.');
    ctx.navigate(page.next || '/account', { replace: true });
  });

  page.banner.replaceChildren(
    successBanner({ heading: 'Two-step sign-in is on.', body: 'You can now use staff tools.', id: 'two-step-on' }),
  );
  setChildren(
    page.area,
    h('p', { class: 'harbour-print-only', text: `Harbour recovery codes for ${session.user.pseudonym}${made ? `, made ${made}` : ''}.` }),
    h('p', {
      class: 'nhsuk-lede-text',
      text: 'If you lose your phone, or cannot use your authenticator app, you can sign in with one of these codes instead of a code from the app. Each code works once.',
    }),
    h(
      'div',
      { class: 'nhsuk-card nhsuk-card--warning harbour-no-print' },
      h(
        'div',
        { class: 'nhsuk-card__content' },
        h('h2', { class: 'nhsuk-card__heading' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Important: ' }), 'Harbour shows these codes only once'),
        h('p', { text: 'Keep them somewhere safe that is not your phone, such as a password manager, or a printed copy kept locked away.' }),
        h('p', { text: 'Do not share them. Anyone with one of these codes and your password could sign in as you.' }),
      ),
    ),
    h('h2', { class: 'nhsuk-heading-m harbour-no-print', text: 'Your recovery codes' }),
    list,
    h('div', { class: 'nhsuk-button-group harbour-no-print' }, copy, print),
    status,
    h('p', { class: 'harbour-no-print', text: 'When you leave this page, you will not be able to see these codes again.' }),
    done,
  );
  setHeading(page, 'Save your recovery codes', { focus: true });
}

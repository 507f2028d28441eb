// /join#<token>: accept an invitation and create an account.
// The token is in the address's #fragment, so it never reaches a server log. This page reads
// it, takes it out of the address bar at once (history.replaceState), and keeps it in memory
// only, until the account is made.
import { ApiError, errorMessage, postJson } from '../api.js';
import { h, insetText, setChildren } from '../dom.js';
import { setFlash } from '../flash.js';
import { busy, errorSummary, passwordField, singleCheckbox, textField } from '../forms.js';
import { adoptSignIn, isStaffRole, roleLabel, sessionReady, signOut, withArticle } from '../session.js';
import { column, formatDateTime, loadingLine, textBlocks } from './common.js';

const PASSWORD_MIN = 12;
const PASSWORD_MAX = 128;
const TOKEN_RE = /^[A-Za-z0-9._~-]{16,128}$/;

const DEFAULT_GUIDANCE =
  'Do not use your real name, or a name people could link to you, such as a username you use on other websites. Do not use an email address or phone number.';

/** The invitation token: memory only. '' means the address had something that is not a token. */
let joinToken = null;

/**
 * Take the token out of the address bar, keeping it here. With onlyTokens, a #fragment that
 * does not look like a token is left alone (an in-page link, not an invitation).
 * @returns {boolean} whether a token (or something meant as one) was taken
 */
function takeTokenFromAddress({ onlyTokens = false } = {}) {
  const { hash, pathname, search } = window.location;
  if (hash.length <= 1) return false;
  let raw = hash.slice(1);
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // keep it as it is
  }
  const looksRight = TOKEN_RE.test(raw);
  if (onlyTokens && !looksRight) return false;
  window.history.replaceState(window.history.state, '', pathname + search);
  joinToken = looksRight ? raw : '';
  return true;
}

const str = (v) => (typeof v === 'string' ? v.trim() : '');

/** Tidy the preview reply. */
function readPreview(data) {
  const network = data?.network && typeof data.network === 'object' ? data.network : {};
  const guidelines = data?.guidelines && typeof data.guidelines === 'object' ? data.guidelines : {};
  const guidance = Array.isArray(data?.anonymity_guidance) ? data.anonymity_guidance.map(str).filter(Boolean).join('\n\n') : str(data?.anonymity_guidance);
  return {
    networkName: str(network.name) || str(network.slug) || 'Harbour',
    role: str(data?.role),
    expiresAt: str(data?.expires_at),
    guidelinesVersion: guidelines.version,
    guidelinesText: typeof guidelines.text === 'string' ? guidelines.text : '',
    guidance: guidance || DEFAULT_GUIDANCE,
  };
}

export const joinPage = {
  title: 'Join Harbour',
  render(main, ctx) {
    takeTokenFromAddress();
    const { signal, setTitle } = ctx;

    const heading = h('h1', { text: 'Join Harbour' });
    const summary = errorSummary();
    const area = h('div');
    main.append(column(summary.element, heading, area));

    const setHeading = (text, error = false) => {
      heading.textContent = text;
      setTitle(error ? `Error: ${text}` : text);
    };

    // Another invitation link opened while this page is on show only changes the #fragment:
    // take the new token and start again.
    window.addEventListener(
      'hashchange',
      () => {
        if (takeTokenFromAddress({ onlyTokens: true })) ctx.navigate('/join', { replace: true, force: true });
      },
      { signal },
    );

    if (joinToken === null) {
      showNoInvitation(area);
      return;
    }
    if (joinToken === '') {
      setHeading('This invitation link does not work');
      showInvitationProblem(area, 'invitation_not_found', '');
      return;
    }

    const load = () => {
      area.replaceChildren(loadingLine('Checking your invitation\u2026'));
      Promise.all([postJson('/invitations/preview', { token: joinToken }, { signal }), sessionReady()])
        .then(([data, state]) => {
          if (signal.aborted) return;
          const preview = readPreview(data);
          if (state.status === 'signed-in' && state.session) {
            showSignedIn(area, preview, state.session.user.pseudonym, () => load());
            return;
          }
          setHeading('Create your account');
          showForm({ area, preview, summary, setHeading, ctx });
        })
        .catch((err) => {
          if (signal.aborted) return;
          let code = err instanceof ApiError ? err.code : 'unreachable';
          // A token the server cannot read at all is a link that does not work.
          if (!code.startsWith('invitation_') && (err.status === 400 || err.status === 404)) code = 'invitation_not_found';
          if (code.startsWith('invitation_')) {
            setHeading(problemHeading(code));
            showInvitationProblem(area, code, err.message);
            return;
          }
          const retry = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', text: 'Try again' });
          retry.addEventListener('click', load);
          setChildren(
            area,
            h('p', { text: 'We could not check your invitation just now.' }),
            h('p', { text: err?.message || 'Please try again in a few minutes.' }),
            retry,
          );
        });
    };
    load();
  },
};

function showNoInvitation(area) {
  setChildren(
    area,
    h('p', { class: 'nhsuk-lede-text', text: 'To join Harbour, you need an invitation from the talking therapy service you were seeing.' }),
    h('p', { text: 'They will send you a link. Open the link to create your account. Each link works once, for one person.' }),
    h('p', {}, 'If you already have an account, ', h('a', { href: '/sign-in', text: 'sign in' }), '.'),
  );
}

function problemHeading(code) {
  switch (code) {
    case 'invitation_used':
      return 'This invitation has already been used';
    case 'invitation_revoked':
      return 'This invitation has been cancelled';
    case 'invitation_expired':
      return 'This invitation has expired';
    default:
      return 'This invitation link does not work';
  }
}

function showInvitationProblem(area, code, serverMessage) {
  const signIn = h('p', {}, 'If you already have an account, ', h('a', { href: '/sign-in', text: 'sign in' }), '.');
  switch (code) {
    case 'invitation_used':
      setChildren(
        area,
        h('p', { class: 'nhsuk-lede-text', text: 'Each invitation link works once.' }),
        h('p', {}, 'If you created your account with it, ', h('a', { href: '/sign-in', text: 'sign in to Harbour' }), '.'),
        h('p', { text: 'If you did not use it, contact the person who sent it to you and ask for a new invitation.' }),
      );
      return;
    case 'invitation_revoked':
      setChildren(
        area,
        h('p', { class: 'nhsuk-lede-text', text: 'The person who sent it has cancelled it.' }),
        h('p', { text: 'If you would still like to join, contact them and ask for a new invitation.' }),
        signIn,
      );
      return;
    case 'invitation_expired':
      setChildren(
        area,
        h('p', { class: 'nhsuk-lede-text', text: 'Invitation links work for a limited time.' }),
        h('p', { text: 'Contact the person who sent it and ask for a new invitation.' }),
        signIn,
      );
      return;
    default:
      setChildren(
        area,
        code !== 'invitation_not_found' && serverMessage ? h('p', { class: 'nhsuk-lede-text', text: serverMessage }) : null,
        h('p', { text: 'Check that you opened or copied the whole link.' }),
        h('p', { text: 'If it still does not work, contact the person who sent it and ask for a new invitation.' }),
        signIn,
      );
  }
}

/** What the invitation opens, as the lede and notes above the form. */
function invitationIntro(preview) {
  const role = roleLabel(preview.role);
  const expires = formatDateTime(preview.expiresAt);
  return [
    h('p', { class: 'nhsuk-lede-text', id: 'invitation-summary' }, `This invitation lets you join ${preview.networkName} as ${withArticle(role)}.`),
    isStaffRole(preview.role)
      ? insetText(
          h('p', {
            text: 'This is a staff invitation. After you create your account, you will need to set up two-step sign-in before you can use staff tools.',
          }),
        )
      : null,
    expires ? h('p', { text: `The invitation link works until ${expires}.` }) : null,
  ];
}

function showSignedIn(area, preview, pseudonym, again) {
  const button = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', text: 'Sign out and continue' });
  const problem = h('p', { class: 'nhsuk-error-message', role: 'alert' });
  button.addEventListener('click', async () => {
    busy(button, true, 'Signing out\u2026');
    try {
      await signOut();
      again();
    } catch (err) {
      busy(button, false);
      problem.textContent = err?.message || 'We could not sign you out. Please try again.';
    }
  });
  setChildren(
    area,
    ...invitationIntro(preview).filter(Boolean),
    h('p', {}, 'You are signed in as ', h('strong', { text: pseudonym }), '. This invitation is for creating a new account.'),
    h('p', { text: 'If the invitation was sent to you for a new account, sign out first.' }),
    problem,
    button,
  );
}

function showForm({ area, preview, summary, setHeading, ctx }) {
  const { signal } = ctx;
  // The page heading, to move focus to if the invitation stops working while on the form.
  const heading = area.parentElement?.querySelector('h1');
  const pseudonym = textField({
    id: 'pseudonym',
    label: 'Choose a name to use on Harbour',
    hint: [h('p', { text: 'This is the only name other people will see. Use 3 to 24 characters.' }), ...textBlocks(preview.guidance)],
    autocomplete: 'username',
    spellcheck: false,
    attrs: { autocapitalize: 'none' },
  });
  const nameNote = h('p', { class: 'nhsuk-body-s harbour-field-note', role: 'status', id: 'pseudonym-note' });
  pseudonym.group.append(nameNote);

  const password = passwordField({
    id: 'password',
    label: 'Create a password',
    hint: `Use at least ${PASSWORD_MIN} characters. A few unrelated words work well.`,
    autocomplete: 'new-password',
  });
  const confirm = passwordField({ id: 'password-confirm', label: 'Type your password again', autocomplete: 'new-password' });

  const guidelinesBody = textBlocks(preview.guidelinesText);
  const accept = singleCheckbox({
    id: 'accept-guidelines',
    legend: 'Do you accept the community guidelines?',
    label: 'I have read and accept the community guidelines',
  });

  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Create account' });
  const form = h(
    'form',
    { novalidate: true, id: 'join-form' },
    pseudonym.group,
    password.group,
    confirm.group,
    h('h2', { class: 'nhsuk-heading-m', id: 'guidelines-heading', text: 'Community guidelines' }),
    h('p', { text: `To keep ${preview.networkName} safe and kind, everyone agrees to these guidelines.` }),
    h(
      'div',
      { class: 'nhsuk-card harbour-guidelines', id: 'guidelines' },
      h('div', { class: 'nhsuk-card__content' }, guidelinesBody.length ? guidelinesBody : h('p', { text: 'Be kind, and keep yourself and others anonymous.' })),
    ),
    accept.group,
    submit,
  );

  area.replaceChildren(...invitationIntro(preview).filter(Boolean), form);

  // Live check of the name when leaving the field (only rules, not whether it is taken).
  let checkSeq = 0;
  let lastChecked = '';
  let nameProblem = null; // {value, message}: the last check said this name cannot be used
  pseudonym.input.addEventListener('blur', () => {
    const value = pseudonym.value();
    if (!value.trim() || value === lastChecked) return;
    lastChecked = value;
    const mine = ++checkSeq;
    postJson('/pseudonym-check', { pseudonym: value }, { signal })
      .then((reply) => {
        if (mine !== checkSeq || signal.aborted) return;
        nameProblem = null;
        pseudonym.setError(null);
        const shown = str(reply?.pseudonym);
        nameNote.textContent = shown && shown !== value ? `Your name will show as \u201c${shown}\u201d.` : '';
      })
      .catch((err) => {
        if (mine !== checkSeq || signal.aborted) return;
        if (err instanceof ApiError && err.code.startsWith('pseudonym_')) {
          nameNote.textContent = '';
          nameProblem = { value, message: err.message };
          pseudonym.setError(err.message);
        } else {
          lastChecked = ''; // could not check: try again next time
        }
      });
  });
  pseudonym.input.addEventListener('input', () => {
    nameNote.textContent = '';
  });

  const showErrors = (errors) => {
    for (const f of [pseudonym, password, confirm, accept]) f.setError(errors.find((e) => e.field === f.input)?.message ?? null);
    summary.show(errors);
    setHeading('Create your account', errors.length > 0);
  };

  let submitting = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submitting) return;
    checkSeq += 1; // a name check still on its way no longer matters
    const name = pseudonym.value().trim();
    const pw = password.value();
    const errors = [];
    if (!name) errors.push({ field: pseudonym.input, message: 'Enter a name to use on Harbour' });
    else if (nameProblem && nameProblem.value === pseudonym.value()) errors.push({ field: pseudonym.input, message: nameProblem.message });
    const length = [...pw].length;
    if (!pw) errors.push({ field: password.input, message: 'Create a password' });
    else if (length < PASSWORD_MIN) errors.push({ field: password.input, message: `Your password must be at least ${PASSWORD_MIN} characters` });
    else if (length > PASSWORD_MAX) errors.push({ field: password.input, message: `Your password must be ${PASSWORD_MAX} characters or fewer` });
    if (pw && !errors.some((e) => e.field === password.input)) {
      if (!confirm.value()) errors.push({ field: confirm.input, message: 'Type your password again' });
      else if (confirm.value() !== pw) errors.push({ field: confirm.input, message: 'The passwords do not match. Type your password again' });
    }
    if (!accept.input.checked) errors.push({ field: accept.input, message: 'Confirm that you have read and accept the community guidelines' });
    showErrors(errors);
    if (errors.length) return;

    submitting = true;
    busy(submit, true, 'Creating your account\u2026');
    let reply;
    try {
      reply = await postJson('/accounts', {
        token: joinToken,
        pseudonym: name,
        password: pw,
        accepted_guidelines_version: preview.guidelinesVersion,
      });
    } catch (err) {
      submitting = false;
      busy(submit, false);
      if (signal.aborted) return;
      const code = err instanceof ApiError ? err.code : 'unreachable';
      if (code.startsWith('invitation_')) {
        summary.show([]);
        setHeading(problemHeading(code));
        showInvitationProblem(area, code, err.message);
        if (heading) {
          heading.setAttribute('tabindex', '-1');
          heading.focus();
        }
        return;
      }
      let field = null;
      if (code.startsWith('pseudonym_')) field = pseudonym.input;
      else if (code.startsWith('password_')) field = password.input;
      else if (code === 'guidelines_not_accepted') field = accept.input;
      const message = errorMessage(err);
      if (code.startsWith('password_')) {
        password.clear();
        confirm.clear();
      }
      showErrors([{ field, message }]);
      return;
    }

    joinToken = null; // used up
    const shownName = str(reply?.user?.pseudonym) || name;
    await adoptSignIn(reply);
    const staff = reply?.second_factor_required === true || isStaffRole(preview.role);
    setFlash(
      `Welcome to Harbour, ${shownName}. Your account is ready.`,
      staff
        ? [`You have joined ${preview.networkName}.`, 'Because you are staff, the next step is to set up two-step sign-in.']
        : [`You have joined ${preview.networkName}.`],
    );
    // Staff set up two-step sign-in straight away (staff tools stay locked until they do).
    ctx.navigate(staff ? '/account/two-step' : '/', { replace: true });
  });

}

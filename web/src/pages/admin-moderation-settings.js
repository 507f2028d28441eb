// /admin/moderation-settings?network=<slug>: when a community's posts are read by a moderator
// (the moderation policy), and its watched words and phrases (add, remove with a confirm step):
// each one flags (publishes and asks a moderator to look), holds, or asks the author to rephrase.
// Administrators only.
import { ApiError, deleteJson, getJson, postJson, request } from '../api.js';
import { h, insetText, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy, errorSummary, radiosField, textField } from '../forms.js';
import { formatDateTime } from './common.js';
import { adminNav, loadingLine, showLoadProblem, str, whenAdmin } from './admin-common.js';
import { adminNetwork, networkChooser } from './admin-network.js';

const FIRST_POSTS_MAX = 100;
const PHRASE_MIN = 2;
const PHRASE_MAX = 100;

const MODES = [
  {
    value: 'pre_moderate_all',
    label: 'Hold every post from members for a moderator',
    hint: 'Nothing a member or carer writes appears until a moderator has read and approved it. The safest choice; members wait longer to see their posts.',
  },
  {
    value: 'first_posts',
    label: 'Hold a member\u2019s first posts, then publish straight away',
    hint: 'A moderator reads each person\u2019s first few posts in this community. After that, their posts appear straight away.',
  },
  {
    value: 'post_moderate',
    label: 'Publish straight away; moderators check afterwards',
    hint: 'Posts appear as soon as they are sent. Moderators read them afterwards and can hide anything that is not safe.',
  },
];

const ACTIONS = [
  { value: 'hold', label: 'Hold for a moderator', hint: 'The post waits in the moderation queue until a moderator approves it.' },
  {
    value: 'flag',
    label: 'Publish, and ask a moderator to look',
    hint: 'The post appears straight away. It is also added to the moderation queue, so a moderator reads it soon and can hide it if needed.',
  },
  { value: 'refuse', label: 'Ask the author to rephrase', hint: 'The post is not sent. The author is asked to change their wording; the word itself is not named to them.' },
];

const COLUMNS = ['Word or phrase', 'What happens', 'Added'];

function actionWords(action) {
  return ACTIONS.find((a) => a.value === action)?.label || str(action) || 'Unknown';
}

const OUT_OF_HOURS = [
  {
    value: 'hold_all',
    label: 'Hold every post from members until the team is back',
    hint: 'The safest choice: nobody is there to read posts as they appear. The Wall is read-only for members either way.',
  },
  { value: 'as_in_hours', label: 'Follow the same rule as during office hours', hint: 'Posts are read by a moderator as chosen above.' },
];

function modeWords(mode, firstPosts) {
  if (mode === 'first_posts') return `Hold a member\u2019s first ${firstPosts} ${firstPosts === 1 ? 'post' : 'posts'}, then publish straight away`;
  return MODES.find((m) => m.value === mode)?.label || str(mode);
}

export const adminModerationSettingsPage = {
  title: 'Moderation settings',
  render(main, ctx) {
    const caption = h('span', { class: 'nhsuk-caption-l', id: 'settings-community' });
    const heading = h('h1', { text: 'Moderation settings' });
    const summary = errorSummary();
    const area = h('div');
    const flash = takeFlashBanner();
    main.append(h('div', { class: 'nhsuk-grid-row' }, h('div', { class: 'nhsuk-grid-column-two-thirds' }, flash, summary.element, adminNav('/admin/moderation-settings'), caption, heading, area)));
    const page = { area, heading, ctx, summary, caption, flash };
    whenAdmin(page, (session) => start(page, session));
  },
};

function start(page, session) {
  const { ctx, area, caption } = page;
  const network = adminNetwork(session, ctx.url);
  const named = (name) => {
    caption.textContent = `Community: ${name || network.slug}`;
    ctx.setTitle(`Moderation settings: ${name || network.slug} \u2013 Administration`);
  };
  named(network.name);
  const chooser = networkChooser({ ctx, session, path: '/admin/moderation-settings', network, onName: named });
  const body = h('div', { id: 'settings-area' }, loadingLine('Loading the settings\u2026'));
  setChildren(area, chooser, body);
  const base = `/networks/${encodeURIComponent(network.slug)}`;
  Promise.all([getJson(`${base}/moderation/policy`, { signal: ctx.signal }), getJson(`${base}/watched-words`, { signal: ctx.signal })])
    .then(([p, w]) => {
      if (ctx.signal.aborted) return;
      const policy = p?.policy && typeof p.policy === 'object' ? p.policy : {};
      const words = (Array.isArray(w?.words) ? w.words : []).filter((x) => x && typeof x === 'object' && Number.isSafeInteger(x.id));
      setChildren(body, policySection(page, network, policy), wordsSection(page, network, words));
    })
    .catch((err) => {
      if (ctx.signal.aborted) return;
      if (err instanceof ApiError && err.code === 'network_not_found') {
        setChildren(body, h('p', { id: 'settings-problem', text: `There is no community called \u201c${network.slug}\u201d. Choose another one above.` }));
        return;
      }
      showLoadProblem({ ...page, area: body }, err, 'the moderation settings');
    });
}

/** A failed save: the second step, signed out or not allowed are page problems; the rest go to the summary. */
function failed(page, err, field, fallback) {
  if (err instanceof ApiError && (err.code === 'second_factor_required' || err.status === 401 || err.status === 403)) {
    showLoadProblem(page, err, '');
    return;
  }
  // A banner about the last save next to a problem with this one would confuse.
  page.flash?.remove();
  field?.setError(err?.message || fallback);
  page.summary.show([{ field: field ? field.input : null, message: err?.message || fallback }]);
  page.ctx.setTitle('Error: Moderation settings \u2013 Administration');
}

function clearErrors(page, ...fields) {
  for (const f of fields) f.setError(null);
  page.summary.show([]);
}

// ---------------------------------------------------------------------------------------
// The policy

function policySection(page, network, policy) {
  const { ctx } = page;
  const mode = MODES.some((m) => m.value === policy.mode) ? policy.mode : '';
  const firstPosts = Number.isSafeInteger(policy.first_posts) ? policy.first_posts : 3;

  const count = textField({
    id: 'policy-first-posts',
    label: 'How many posts to hold',
    hint: `A number from 0 to ${FIRST_POSTS_MAX}.`,
    width: 3,
    attrs: { inputmode: 'numeric', maxlength: '3' },
    value: String(firstPosts),
  });
  const modes = radiosField({ id: 'policy-mode', legend: 'When should a moderator read posts from members and carers?', legendClass: 'nhsuk-fieldset__legend--s', options: MODES, checked: mode });
  // The number belongs to "first posts": shown under that choice only (NHS.UK conditional reveal).
  const firstPostsRadio = modes.group.querySelector('input[value="first_posts"]');
  const conditional = h('div', { class: 'nhsuk-radios__conditional', id: 'policy-first-posts-conditional' }, count.group);
  firstPostsRadio.closest('.nhsuk-radios__item').after(conditional);
  firstPostsRadio.setAttribute('aria-controls', conditional.id);
  const sync = () => conditional.classList.toggle('nhsuk-radios__conditional--hidden', !firstPostsRadio.checked);
  modes.group.addEventListener('change', sync);
  sync();

  // Outside office hours, and how soon a clinician must answer a risk case in hours.
  const outOfHours = radiosField({
    id: 'policy-out-of-hours',
    legend: 'Outside office hours',
    legendClass: 'nhsuk-fieldset__legend--s',
    options: OUT_OF_HOURS,
    checked: OUT_OF_HOURS.some((o) => o.value === policy.out_of_hours) ? policy.out_of_hours : 'hold_all',
  });
  const responseMinutes = textField({
    id: 'policy-response-minutes',
    label: 'How many minutes a clinician has to answer a safeguarding case during office hours',
    hint: 'A number from 1 to 1440. Outside office hours the time starts when the team is back.',
    width: 4,
    attrs: { inputmode: 'numeric', maxlength: '4' },
    value: String(Number.isSafeInteger(policy.case_response_minutes) ? policy.case_response_minutes : 15),
  });

  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Save moderation setting' });
  const form = h('form', { novalidate: true, id: 'policy-form' }, modes.group, outOfHours.group, responseMinutes.group, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(page, modes, count, outOfHours, responseMinutes);
    const chosen = modes.value();
    if (!chosen) {
      failed(page, null, modes, 'Choose when a moderator should read posts');
      return;
    }
    const typed = count.value().trim();
    const n = /^[0-9]{1,3}$/.test(typed) ? Number(typed) : NaN;
    if (chosen === 'first_posts' && !(n >= 0 && n <= FIRST_POSTS_MAX)) {
      failed(page, null, count, `Enter how many posts to hold, as a number from 0 to ${FIRST_POSTS_MAX}`);
      return;
    }
    const typedMinutes = responseMinutes.value().trim();
    const minutes = /^[0-9]{1,4}$/.test(typedMinutes) ? Number(typedMinutes) : NaN;
    if (!(minutes >= 1 && minutes <= 1440)) {
      failed(page, null, responseMinutes, 'Enter the minutes to answer a case, as a number from 1 to 1440');
      return;
    }
    busy(submit, true, 'Saving\u2026');
    try {
      await request('PUT', `/networks/${encodeURIComponent(network.slug)}/moderation/policy`, {
        body: {
          mode: chosen,
          first_posts: chosen === 'first_posts' ? n : firstPosts,
          out_of_hours: outOfHours.value() || 'hold_all',
          case_response_minutes: minutes,
        },
      });
      if (ctx.signal.aborted) return;
      setFlash('The moderation setting has been saved.', modeWords(chosen, chosen === 'first_posts' ? n : firstPosts));
      ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
    } catch (err) {
      if (ctx.signal.aborted) return;
      busy(submit, false);
      const code = err instanceof ApiError ? err.code : '';
      const field =
        code === 'invalid_first_posts' || /first_posts/.test(err?.message || '')
          ? count
          : code === 'invalid_response_minutes'
            ? responseMinutes
            : code === 'invalid_out_of_hours'
              ? outOfHours
              : modes;
      failed(page, err, field, 'We could not save the setting. Please try again.');
    }
  });

  return h(
    'section',
    { id: 'policy', 'aria-labelledby': 'policy-heading' },
    h('h2', { class: 'nhsuk-heading-m', id: 'policy-heading', text: 'When posts are read by a moderator' }),
    h('p', { id: 'policy-current' }, 'At the moment: ', h('strong', { text: mode ? modeWords(mode, firstPosts) : 'not known' }), '.'),
    insetText(
      h('p', {
        text: 'Whatever you choose: posts by staff appear straight away, recovery stories are always read by a moderator first, and the watched words below still apply.',
      }),
    ),
    form,
  );
}

// ---------------------------------------------------------------------------------------
// Watched words

function wordsSection(page, network, words) {
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'words-status' });
  const table = words.length
    ? h(
        'table',
        // NHS.UK responsive table: on a phone each row becomes a block (the roles keep it a table).
        { class: 'nhsuk-table-responsive', id: 'words-table', role: 'table' },
        h('caption', { class: 'nhsuk-table__caption nhsuk-u-visually-hidden', text: 'Watched words and phrases' }),
        h(
          'thead',
          { class: 'nhsuk-table__head', role: 'rowgroup' },
          h(
            'tr',
            { role: 'row' },
            COLUMNS.map((t) => h('th', { scope: 'col', class: 'nhsuk-table__header', role: 'columnheader', text: t })),
            h('th', { scope: 'col', class: 'nhsuk-table__header', role: 'columnheader' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Remove' })),
          ),
        ),
        h('tbody', { class: 'nhsuk-table__body' }, words.map((w) => wordRow(page, w, status))),
      )
    : h('p', { id: 'words-table', text: 'This community has no watched words yet.' });
  return h(
    'section',
    { id: 'watched-words', 'aria-labelledby': 'words-heading' },
    h('h2', { class: 'nhsuk-heading-m', id: 'words-heading', text: 'Watched words and phrases' }),
    h('p', {
      text: 'Harbour checks every post for these. Matching ignores capital letters and looks at whole words only, so \u201ckill\u201d does not match \u201cskilled\u201d.',
    }),
    status,
    table,
    addWordForm(page, network),
  );
}

function wordRow(page, w, status) {
  const { ctx } = page;
  const phrase = str(w.phrase);
  const cell = (heading, ...c) =>
    h('td', { class: 'nhsuk-table__cell', role: 'cell' }, heading ? h('span', { class: 'nhsuk-table-responsive__heading', 'aria-hidden': 'true', text: `${heading} ` }) : null, ...c);
  const remove = h(
    'button',
    { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0', type: 'button', 'data-word-remove': String(w.id) },
    'Remove',
    h('span', { class: 'nhsuk-u-visually-hidden', text: ` \u201c${phrase}\u201d` }),
  );
  const actions = cell(null, remove);
  const row = h(
    'tr',
    { class: 'nhsuk-table__row', role: 'row', 'data-word-id': String(w.id) },
    cell(COLUMNS[0], h('strong', { text: phrase })),
    cell(COLUMNS[1], actionWords(w.action)),
    cell(COLUMNS[2], formatDateTime(w.created_at) || '\u2013'),
    actions,
  );

  remove.addEventListener('click', () => {
    const question = h('p', { class: 'nhsuk-body-s nhsuk-u-margin-bottom-2', text: 'Stop watching for this?' });
    const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning nhsuk-button--small', type: 'button', 'data-word-confirm': String(w.id) }, 'Yes, remove', h('span', { class: 'nhsuk-u-visually-hidden', text: ` \u201c${phrase}\u201d` }));
    const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Cancel');
    no.addEventListener('click', () => {
      setChildren(actions, remove);
      remove.focus();
    });
    yes.addEventListener('click', async () => {
      no.disabled = true;
      busy(yes, true, 'Removing\u2026');
      try {
        await deleteJson(`/watched-words/${encodeURIComponent(String(w.id))}`);
        if (ctx.signal.aborted) return;
        setFlash(`\u201c${phrase}\u201d is no longer watched.`, 'Posts are no longer checked for it.');
        ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
      } catch (err) {
        if (ctx.signal.aborted) return;
        if (err instanceof ApiError && err.code === 'word_not_found') {
          // Someone else removed it meanwhile: the list is out of date.
          row.remove();
          status.textContent = `\u201c${phrase}\u201d had already been removed.`;
          return;
        }
        setChildren(actions, remove);
        failed(page, err, null, 'We could not remove the word. Please try again.');
      }
    });
    setChildren(actions, h('div', { class: 'harbour-word-confirm' }, question, yes, ' ', no));
    yes.focus();
  });
  return row;
}

function addWordForm(page, network) {
  const { ctx } = page;
  const phrase = textField({
    id: 'word-phrase',
    label: 'Word or phrase',
    hint: `${PHRASE_MIN} to ${PHRASE_MAX} characters.`,
    width: 20,
    spellcheck: false,
    autocomplete: 'off',
    attrs: { maxlength: String(PHRASE_MAX * 4) },
  });
  const action = radiosField({ id: 'word-action', legend: 'What should happen when a post contains it?', options: ACTIONS, checked: 'hold' });
  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Add word or phrase' });
  const form = h('form', { novalidate: true, id: 'word-form' }, phrase.group, action.group, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(page, phrase, action);
    const text = phrase.value().trim().replace(/\s+/g, ' ');
    const n = [...text].length;
    if (n < PHRASE_MIN || n > PHRASE_MAX) {
      failed(page, null, phrase, n === 0 ? 'Enter a word or phrase to watch for' : `The word or phrase must be ${PHRASE_MIN} to ${PHRASE_MAX} characters`);
      return;
    }
    if (!action.value()) {
      failed(page, null, action, 'Choose what should happen when a post contains it');
      return;
    }
    busy(submit, true, 'Adding\u2026');
    try {
      await postJson(`/networks/${encodeURIComponent(network.slug)}/watched-words`, { phrase: text, action: action.value() });
      if (ctx.signal.aborted) return;
      setFlash(`\u201c${text}\u201d is now watched.`, `${actionWords(action.value())} when a post contains it.`);
      ctx.navigate(ctx.url.pathname + ctx.url.search, { force: true });
    } catch (err) {
      if (ctx.signal.aborted) return;
      busy(submit, false);
      const field = err instanceof ApiError && err.code === 'invalid_action' ? action : phrase;
      failed(page, err, field, 'We could not add the word. Please try again.');
    }
  });
  return h('div', { id: 'add-word' }, h('h3', { class: 'nhsuk-heading-s', text: 'Add a word or phrase' }), form);
}

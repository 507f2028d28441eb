// /account/reading: which content notes fold a post away until the reader chooses to see it.
import { getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy, successBanner } from '../forms.js';
import { noteCheckboxes } from '../content-notes.js';
import { breadcrumbs, list, str } from '../post-view.js';
import { whenSignedIn } from './common.js';
import { loadingLine, showProblem, startPage } from './content-common.js';

export const accountReadingPage = {
  title: 'Reading settings',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Reading settings', before: [breadcrumbs([{ href: '/account', text: 'Your account' }])] });
    whenSignedIn(ctx, page.area, () => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson('/account/reading', { signal: ctx.signal })
        .then((data) => show(page, data))
        .catch((err) => showProblem(page, err, { what: 'your reading settings' }));
    });
  },
};

function show(page, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const notes = list(data?.notes).filter((n) => n && str(n.key));
  const boxes = noteCheckboxes({
    id: 'reading-notes',
    legend: 'Fold away posts that mention:',
    hint: 'You will see the content note first, and can choose to open the post. Select all that apply.',
    notes,
    checked: list(data?.collapsed_notes),
  });
  const banner = h('div', { id: 'reading-saved' });
  const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
  const save = h('button', { class: 'nhsuk-button', type: 'submit', text: 'Save settings' });
  const form = h('form', { novalidate: true, id: 'reading-form' }, boxes.group, problem, save);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.textContent = '';
    busy(save, true, 'Saving\u2026');
    try {
      const reply = await request('PUT', '/account/reading', { body: { collapsed_notes: boxes.value() } });
      boxes.set(list(reply?.collapsed_notes));
      banner.replaceChildren(successBanner({ heading: 'Your reading settings are saved.', id: 'reading-banner' }));
    } catch (err) {
      problem.textContent = err?.message || 'We could not save your settings. Please try again.';
    } finally {
      busy(save, false);
    }
  });
  setChildren(area, banner, h('p', { class: 'nhsuk-lede-text', text: 'Authors can add content notes to posts that mention something others may find hard to read.' }), form);
}

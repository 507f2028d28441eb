// /account/mutes: members the person has muted (their posts are folded away, and they cause no
// notifications), each with "Unmute".
import { deleteJson, getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy } from '../forms.js';
import { breadcrumbs, int, list, str } from '../post-view.js';
import { formatDateTime, whenSignedIn } from './common.js';
import { loadingLine, showProblem, startPage } from './content-common.js';

export const accountMutesPage = {
  title: 'Muted members',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Muted members', before: [breadcrumbs([{ href: '/account', text: 'Your account' }])] });
    whenSignedIn(ctx, page.area, () => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson('/account/mutes', { signal: ctx.signal })
        .then((data) => show(page, list(data?.mutes)))
        .catch((err) => showProblem(page, err, { what: 'the members you muted' }));
    });
  },
};

function show(page, mutes) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'mutes-status' });
  const intro = h('p', { text: 'When you mute someone, their posts are folded away for you and they cause you no notifications. They are not told. Staff cannot be muted.' });
  if (!mutes.length) {
    setChildren(area, intro, h('p', { id: 'mutes-empty', text: 'You have not muted anyone.' }));
    return;
  }
  const rows = mutes.map((m) => {
    const name = str(m.pseudonym) || 'A member';
    const unmute = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button' }, 'Unmute', h('span', { class: 'nhsuk-u-visually-hidden', text: ` ${name}` }));
    const row = h(
      'div',
      { class: 'nhsuk-summary-list__row', 'data-user-id': String(int(m.id)) },
      h('dt', { class: 'nhsuk-summary-list__key', text: name }),
      h('dd', { class: 'nhsuk-summary-list__value', text: formatDateTime(m.since) ? `Muted on ${formatDateTime(m.since)}` : 'Muted' }),
      h('dd', { class: 'nhsuk-summary-list__actions' }, unmute),
    );
    unmute.addEventListener('click', async () => {
      busy(unmute, true, 'Unmuting\u2026');
      try {
        await deleteJson(`/account/mutes/${int(m.id)}`);
        row.remove();
        status.textContent = `You unmuted ${name}.`;
        if (!area.querySelector('.nhsuk-summary-list__row')) area.querySelector('.nhsuk-summary-list')?.replaceWith(h('p', { text: 'You have not muted anyone.' }));
        status.focus();
      } catch (err) {
        busy(unmute, false);
        status.textContent = err?.message || 'We could not unmute them just now.';
      }
    });
    return row;
  });
  status.setAttribute('tabindex', '-1');
  setChildren(area, intro, status, h('dl', { class: 'nhsuk-summary-list', id: 'mutes' }, rows));
}

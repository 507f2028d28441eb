// /account/messages: private messages from the staff of the person's communities (a clinician,
// peer supporter or volunteer writing after a post). The sender is shown by role, never by name;
// opening the page marks them read.
import { getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { breadcrumbs, int, list, pager, str } from '../post-view.js';
import { formatDateTime, textBlocks, whenSignedIn } from './common.js';
import { loadingLine, showProblem, startPage, withParams } from './content-common.js';

export const accountMessagesPage = {
  title: 'Messages from the team',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Messages from the team', before: [breadcrumbs([{ href: '/account', text: 'Your account' }])] });
    whenSignedIn(ctx, page.area, () => {
      const raw = ctx.url.searchParams.get('before') || '';
      const before = /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/account/messages${before ? `?before=${before}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, before, data))
        .catch((err) => showProblem(page, err, { what: 'your messages' }));
    });
  },
};

function show(page, before, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const messages = list(data?.messages);
  const next = int(data?.next_before);
  const intro = h('p', { text: 'Sometimes someone from the team writes to you privately, for example after one of your posts. Only you can read these messages. Other members never see them.' });
  if (!messages.length) {
    setChildren(area, intro, h('p', { id: 'messages-empty', text: before ? 'There are no older messages.' : 'You have no messages from the team.' }));
    return;
  }
  const items = messages.map((m) => {
    const id = int(m.id);
    const postId = int(m.post_id);
    const network = m.network && typeof m.network === 'object' ? m.network : {};
    const unread = m.read !== true;
    const headingId = `message-${id}-heading`;
    return h(
      'li',
      { class: `nhsuk-card harbour-message${unread ? ' harbour-message--unread' : ''}`, id: `message-${id}`, 'aria-labelledby': headingId },
      h(
        'div',
        { class: 'nhsuk-card__content' },
        h('h2', { class: 'nhsuk-card__heading nhsuk-heading-s', id: headingId }, `${str(m.from) || 'The team'}${str(network.name) ? `, ${network.name}` : ''}`, unread ? [' ', h('span', { class: 'nhsuk-tag nhsuk-tag--blue harbour-message__new', text: 'New' })] : null),
        h('p', { class: 'nhsuk-body-s harbour-message__when' }, h('time', { datetime: str(m.created_at), text: formatDateTime(m.created_at) || '' })),
        h('div', { class: 'harbour-message__body' }, textBlocks(str(m.body))),
        postId ? h('p', { class: 'nhsuk-body-s' }, 'About one of ', h('a', { href: '/account/posts', text: 'your posts' }), '.') : null,
      ),
    );
  });
  setChildren(
    area,
    intro,
    h('ol', { class: 'nhsuk-list harbour-messages', id: 'messages' }, items),
    pager({ label: 'Message pages', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older' } : null }),
  );
  const unreadIds = messages.filter((m) => m.read !== true).map((m) => int(m.id)).filter((id) => id !== null);
  if (unreadIds.length) postJson('/account/messages/read', { ids: unreadIds }).catch(() => {});
}

// /notifications: replies, approvals and moderators' decisions, newest first; unread ones stand
// out; "Mark all as read". Opening one marks it read.
import { getJson, postJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { busy } from '../forms.js';
import { setUnreadCount } from '../live.js';
import { formatDateTime, whenSignedIn } from './common.js';
import { int, linkHref, list, pager, str, tag } from '../post-view.js';
import { loadingLine, showProblem, startPage, withParams } from './content-common.js';

/** What a notification says, in words. */
export function notificationText(n) {
  const who = str(n.actor?.pseudonym) || 'Someone';
  const where = str(n.link?.title);
  const inWhere = where ? ` \u201c${where}\u201d` : '';
  switch (n.kind) {
    case 'reply':
      return `${who} replied to${inWhere || ' your topic'}`;
    case 'comment':
      if (n.link?.kind === 'wall_message') return `${who} replied to your message on the Wall`;
      return `${who} commented on${inWhere || ' your post'}`;
    case 'mention':
      return `${who} mentioned you in${inWhere || ' a post'}`;
    case 'approved':
      return `Your post in${inWhere || ' the community'} is published`;
    case 'rejected':
      return `A moderator did not publish your post in${inWhere || ' the community'}`;
    case 'hidden':
      return `A moderator hid your post in${inWhere || ' the community'}`;
    default:
      return `Something new in${inWhere || ' your community'}`;
  }
}

export const notificationsPage = {
  title: 'Notifications',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Notifications' });
    const before = idParam(ctx.url);
    whenSignedIn(ctx, page.area, () => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/notifications${before ? `?before=${before}` : ''}`, { signal: ctx.signal })
        .then((data) => show(page, before, data))
        .catch((err) => showProblem(page, err, { what: 'your notifications' }));
    });
  },
};

function idParam(url) {
  const raw = url.searchParams.get('before') || '';
  return /^[1-9][0-9]{0,15}$/.test(raw) ? raw : null;
}

function show(page, before, data) {
  const { ctx, area } = page;
  if (ctx.signal.aborted) return;
  const items = list(data?.notifications);
  const unread = int(data?.unread_count) || 0;
  setUnreadCount(unread);
  const status = h('p', { class: 'harbour-list-status', role: 'status', id: 'notifications-status', text: unread ? `${unread} unread` : '' });
  const markAll = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'notifications-read-all', text: 'Mark all as read' });
  markAll.hidden = unread === 0;
  const rows = items.map((n) => {
    const href = linkHref(n.link, n.network?.slug);
    const isUnread = n.read !== true;
    const when = formatDateTime(n.created_at);
    const li = h(
      'li',
      { class: `harbour-notification${isUnread ? ' harbour-notification--unread' : ''}`, 'data-notification-id': String(int(n.id)) },
      h(
        'p',
        { class: 'harbour-notification__text' },
        isUnread ? [tag('New', 'blue', { class: 'nhsuk-tag nhsuk-tag--blue harbour-notification__new' }), ' '] : null,
        href ? h('a', { href, text: notificationText(n) }) : notificationText(n),
      ),
      str(n.post?.excerpt) ? h('p', { class: 'harbour-notification__excerpt', text: `\u201c${n.post.excerpt}\u201d` }) : null,
      str(n.reason) ? h('p', { class: 'harbour-notification__reason' }, 'The moderator said: ', n.reason) : null,
      n.kind === 'rejected' && int(n.post?.id) ? h('p', {}, h('a', { href: `/posts/edit?id=${int(n.post.id)}`, text: 'Edit and resubmit your post' })) : null,
      h('p', { class: 'nhsuk-body-s harbour-notification__when' }, str(n.network?.name), when ? ` \u00b7 ${when}` : null),
    );
    if (isUnread && int(n.id)) {
      li.querySelector('a')?.addEventListener('click', () => {
        postJson('/notifications/read', { ids: [n.id] })
          .then((d) => setUnreadCount(int(d?.unread_count) ?? 0))
          .catch(() => {});
      });
    }
    return li;
  });
  markAll.addEventListener('click', async () => {
    busy(markAll, true, 'Marking\u2026');
    try {
      const d = await postJson('/notifications/read', { all: true });
      setUnreadCount(int(d?.unread_count) ?? 0);
      for (const li of area.querySelectorAll('.harbour-notification--unread')) {
        li.classList.remove('harbour-notification--unread');
        li.querySelector('.harbour-notification__new')?.remove();
      }
      status.textContent = 'All notifications are marked as read.';
      busy(markAll, false);
      markAll.hidden = true;
    } catch (err) {
      busy(markAll, false);
      status.textContent = err?.message || 'We could not do that just now. Please try again.';
    }
  });
  const next = int(data?.next_before);
  setChildren(
    area,
    markAll,
    status,
    items.length ? h('ul', { class: 'nhsuk-list harbour-notifications', id: 'notifications' }, rows) : h('p', { text: before ? 'There are no older notifications.' : 'You have no notifications yet. When someone replies to you, or a moderator reads your post, it will show here.' }),
    pager({ label: 'Notifications', newer: before ? { href: withParams(ctx.url, { before: null }), text: 'Newest notifications' } : null, older: next ? { href: withParams(ctx.url, { before: next }), text: 'Older notifications' } : null }),
    h('p', { class: 'nhsuk-body-s' }, h('a', { href: '/account/mutes', text: 'People you have muted' }), ' do not cause you notifications.'),
  );
}

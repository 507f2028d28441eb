// /wall?network=<slug>: the Wall, a community's live feed during office hours (schema/api/wall.md).
// Short messages, newest first, with their replies (one level) oldest first; support reactions,
// replies, deleting one's own, and for staff removing a message (with a reason) and the way to
// the moderation queue. Held messages show to their author ("Waiting for a moderator") and staff.
//
// Live, without missing anything: GET /wall (remember last_event_id), then the tab's one socket
// is opened as /ws?wall=<slug>&after=<id> (live.js); the server answers with wall_resume (what
// was missed) and then live events. Every stored event has an event_id: anything at or below the
// newest applied is ignored; after a drop the socket reconnects (backoff 1 s doubling to 30 s,
// with jitter) from the newest. reset: true (too much missed) loads GET /wall again. While the
// socket cannot open, GET /wall/events catches up the same way.
//
// New messages are announced politely ("New message from Calm Sea"); the list itself is not a
// live region, and keyboard focus never moves on its own: a message re-drawn under the focus
// gets it back, and one removed under it hands it to its neighbour.
import { ApiError, getJson, postJson } from '../api.js';
import { composer } from '../composer.js';
import { crisisContactList } from '../crisis-contacts.js';
import { h, insetText, setChildren } from '../dom.js';
import { announce, reconnectNow, subscribeWall } from '../live.js';
import { isStaffOf, networkSwitcher, roleIn } from '../networks.js';
import { details, int, list, renderPost, str, tag } from '../post-view.js';
import { refreshSession, withNext } from '../session.js';
import { loadingLine, showProblem, startPage, withNetwork } from './content-common.js';

const MAX_CHARS = 1000;
const ANNOUNCE_SETTLE_MS = 1200;
const FALLBACK_MIN_INTERVAL_MS = 10_000;

export const wallPage = {
  title: 'The Wall',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'The Wall' });
    withNetwork(page, (session, network) => {
      if (roleIn(session, network.slug) === 'carer' && !session.user.is_admin) {
        setChildren(
          page.area,
          h('p', { class: 'nhsuk-lede-text', text: 'The Wall is the space for people who used the service, and the team who support them.' }),
          h('p', {}, 'The ', h('a', { href: `/forums?network=${encodeURIComponent(network.slug)}`, text: 'forums' }), ' and ', h('a', { href: `/resources?network=${encodeURIComponent(network.slug)}`, text: 'resources' }), ' have spaces for carers and family.'),
        );
        return;
      }
      page.area.replaceChildren(loadingLine('Loading the Wall\u2026'));
      Promise.all([
        getJson(`/networks/${encodeURIComponent(network.slug)}/wall`, { signal: ctx.signal }),
        readerSettings(ctx.signal),
      ])
        .then(([data, settings]) => startWall(page, session, network, data, settings))
        .catch((err) => showProblem(page, err, { what: 'the Wall', notFoundText: 'We could not find this community. You may not be part of it.' }));
    });
  },
};

/** The reader's folded content notes and muted members, for messages that arrive live. */
async function readerSettings(signal) {
  const [reading, mutes] = await Promise.all([getJson('/account/reading', { signal }).catch(() => null), getJson('/account/mutes', { signal }).catch(() => null)]);
  return {
    // Unknown: fold every note (the server's default).
    collapseAll: !Array.isArray(reading?.collapsed_notes),
    collapsed: new Set(list(reading?.collapsed_notes).filter((k) => typeof k === 'string')),
    muted: new Set(list(mutes?.mutes).map((m) => int(m?.id)).filter((id) => id !== null)),
  };
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/** "Clinician", "Clinician and Peer supporter", "A, B and C". */
function andList(words) {
  if (words.length < 2) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

function startWall(page, session, network, data, settings) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const slug = network.slug;
  const staff = isStaffOf(session, slug);
  const me = session.user.id;
  heading.textContent = network.list.length > 1 ? `The Wall: ${network.name}` : 'The Wall';

  // ---- state ----
  let newest = int(data?.last_event_id) ?? 0;
  let nextBefore = int(data?.next_before);
  let office = { open: true, summary: '', next_change: null };
  let canPost = false;
  let readOnlyReason = '';
  /** id -> {post, li (messages) | el (replies), article, replies?: HTMLOListElement, parentId} */
  const entries = new Map();
  let reloading = null; // events held back while GET /wall is read again (a reset)
  let connection = 'connecting';

  // ---- frame ----
  const officeBox = h('div', { class: 'harbour-wall__office', id: 'wall-office' });
  const connectionLine = h('p', { class: 'harbour-wall__connection', id: 'wall-connection', role: 'status' });
  const presenceLine = h('p', { class: 'harbour-wall__presence', id: 'wall-presence' });
  const statusBar = h('div', { class: 'harbour-wall__status', id: 'wall-status' }, connectionLine, presenceLine);
  const composeArea = h('div', { class: 'harbour-wall__compose-area' });
  const readOnlyNote = h('div', { class: 'harbour-wall__read-only', id: 'wall-read-only', tabindex: '-1', hidden: true });
  const composeHeading = h('h2', { class: 'nhsuk-heading-m', id: 'wall-compose-heading', text: 'Write a message' });
  const compose = h(
    'section',
    { class: 'harbour-wall__compose', 'aria-labelledby': 'wall-compose-heading' },
    composeHeading,
    readOnlyNote,
    composeArea,
  );
  const messages = h('ol', { class: 'nhsuk-list harbour-wall__messages', id: 'wall-messages', 'aria-labelledby': 'wall-messages-heading' });
  const empty = h('p', { class: 'harbour-wall__empty', id: 'wall-empty', text: 'No messages yet. When someone writes, it will appear here.' });
  const olderButton = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'wall-older', text: 'Show older messages' });
  const olderStatus = h('p', { class: 'harbour-list-status', role: 'status', id: 'wall-older-status' });
  const messagesHeading = h('h2', { class: 'nhsuk-heading-m', id: 'wall-messages-heading', tabindex: '-1', text: 'Messages' });
  setChildren(
    area,
    networkSwitcher(network, (s) => `/wall?network=${encodeURIComponent(s)}`),
    h('p', { class: 'nhsuk-lede-text', text: 'Short messages to the community, live while the team is here. Everything is read by trained moderators.' }),
    officeBox,
    statusBar,
    staff ? h('p', { class: 'harbour-wall__queue-link' }, h('a', { href: `/moderation?network=${encodeURIComponent(slug)}`, id: 'wall-queue-link', text: 'Moderation queue: messages waiting for a moderator' })) : null,
    compose,
    h('section', { class: 'harbour-wall__list', 'aria-labelledby': 'wall-messages-heading' }, messagesHeading, messages, empty, olderStatus, olderButton),
  );

  // ---- office hours and who may write ----
  const paintOffice = () => {
    const summary = str(office.summary);
    if (office.open) {
      const until = /^Moderators are here (until .+)$/.exec(summary);
      officeBox.replaceChildren(
        insetText(
          h('p', { class: 'harbour-wall__office-text', id: 'wall-office-text' }, h('strong', { text: until ? `Moderators are here now, ${until[1]}.` : 'Moderators are here now.' }), summary && !until && !/^Moderators are here now\.?$/.test(summary) ? ` ${summary}.` : null),
        ),
      );
      officeBox.dataset.open = 'true';
    } else {
      const back = summary ? `${summary}.` : 'The team is not here right now.';
      officeBox.replaceChildren(
        h(
          'div',
          { class: 'nhsuk-warning-callout harbour-wall__closed' },
          h('h2', { class: 'nhsuk-warning-callout__label' }, h('span', {}, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Important: ' }), 'The Wall is closed for now')),
          h('p', { class: 'harbour-wall__office-text', id: 'wall-office-text', text: back }),
          h('p', { text: staff ? 'Members can read the Wall, but not write, until the team is back. As staff, you can still post.' : 'You can read the Wall, but not write, until the team is back. Nobody is reading it right now.' }),
          h('p', {}, 'If you need help now, use ', h('a', { href: `/urgent-help?network=${encodeURIComponent(slug)}`, id: 'wall-urgent-help', text: 'Need urgent help?' }), ' or contact one of the services below.'),
          details('Who you can contact now', crisisContactList(slug, ctx.signal, { id: 'wall-crisis-contacts' }), { class: 'nhsuk-details harbour-wall__contacts', id: 'wall-contacts' }),
        ),
      );
      officeBox.dataset.open = 'false';
    }
  };

  let composer_ = null;
  const paintCompose = () => {
    composeHeading.textContent = canPost ? 'Write a message' : 'Writing is paused';
    if (canPost) {
      if (!composer_) {
        composer_ = composer({
          id: 'wall-compose',
          ctx,
          network: slug,
          draftKey: null,
          title: null,
          body: {
            label: 'Your message',
            noun: 'message',
            max: MAX_CHARS,
            rows: 4,
            hint: 'Up to 1,000 characters. Be kind, and share your own experience. Do not include your full name, where you live or details that could identify you or others.',
          },
          submitText: 'Send message',
          afterSend: 'reset',
          checkIdentifying: true,
          send: (payload) => postJson(`/networks/${encodeURIComponent(slug)}/wall/messages`, payload),
          onPublished: (post) => applyMessage(post, { own: true }),
          onHeld: (post) => applyMessage(post, { own: true }),
          onError: sendError,
        });
        composeArea.append(composer_);
      }
      composeArea.hidden = false;
      // Staff out of hours: the banner above says they can still post.
      setChildren(readOnlyNote);
      readOnlyNote.hidden = true;
    } else {
      // Hidden, not thrown away: anything typed is still there when the Wall opens again.
      const hadFocus = composeArea.contains(document.activeElement);
      composeArea.hidden = true;
      setChildren(
        readOnlyNote,
        insetText(
          // The banner above says when and where to get help; the server's reason is for other cases.
          h('p', { class: 'harbour-wall__read-only-text' }, h('strong', { text: 'Read only. ' }), !office.open || !readOnlyReason ? 'You can write again when the team is back.' : readOnlyReason),
        ),
      );
      readOnlyNote.hidden = false;
      if (hadFocus) readOnlyNote.focus();
    }
    for (const li of messages.querySelectorAll('.harbour-wall__reply-action')) li.hidden = !canPost;
    paintConnection();
  };

  const setOffice = (o, { can_post, read_only_reason } = {}) => {
    office = { open: o?.open !== false, summary: str(o?.summary), next_change: o?.next_change ?? null };
    canPost = typeof can_post === 'boolean' ? can_post : staff || office.open;
    readOnlyReason = canPost ? '' : str(read_only_reason) || readOnlyReason;
    paintOffice();
    paintCompose();
  };

  function sendError(err) {
    if (!(err instanceof ApiError)) return;
    if (err.code === 'wall_closed') {
      readOnlyReason = err.message;
      setOffice({ ...office, open: false }, { can_post: false, read_only_reason: err.message });
    } else if (err.status === 401) {
      paintConnection('closed');
      refreshSession();
    }
  }

  // ---- connection and presence ----
  function paintConnection(state = connection) {
    connection = state;
    const here = ctx.url.pathname + ctx.url.search;
    const parts = {
      connecting: ['Connecting', 'grey', 'Connecting to the live Wall\u2026'],
      live: ['Live', 'green', 'New messages appear here as they are sent.'],
      reconnecting: ['Reconnecting', 'orange', 'The connection dropped. We keep trying, and you will not miss any messages.'],
      closed: ['Disconnected', 'red', 'Your session has ended, so new messages are not coming in.'],
      stopped: ['Disconnected', 'red', 'You are signed out, so new messages are not coming in.'],
    }[state] || ['Connecting', 'grey', ''];
    const tryNow = state === 'reconnecting' ? h('button', { class: 'harbour-link-button', type: 'button', id: 'wall-reconnect', text: 'Try now' }) : null;
    tryNow?.addEventListener('click', () => reconnectNow());
    connectionLine.dataset.state = state;
    setChildren(
      connectionLine,
      h('span', { class: 'nhsuk-u-visually-hidden', text: 'Connection: ' }),
      tag(parts[0], parts[1], { class: `nhsuk-tag nhsuk-tag--${parts[1]} harbour-wall__state` }),
      canPost ? null : [' ', tag('Read only', 'grey', { class: 'nhsuk-tag nhsuk-tag--grey harbour-wall__read-only-tag' })],
      ' ',
      parts[2],
      tryNow ? [' ', tryNow] : null,
      state === 'closed' || state === 'stopped' ? [' ', h('a', { href: withNext('/sign-in', here), id: 'wall-sign-in', text: 'Sign in again' })] : null,
    );
  }

  let lastPresence = null;
  function paintPresence(p) {
    lastPresence = p;
    if (connection === 'closed' || connection === 'stopped') {
      presenceLine.textContent = ''; // who is here is not known while away
      return;
    }
    // Counted when the socket joins: a member reading the Wall live is one of the peers here.
    const peers = Math.max(int(p?.peers) ?? 0, !staff && connection === 'live' ? 1 : 0);
    const team = int(p?.staff) ?? 0;
    const onShift = list(p?.on_shift).filter((r) => typeof r === 'string' && r);
    const bits = [`${plural(peers, 'peer', 'peers')} here`];
    if (onShift.length) bits.push(`${andList(onShift)} on shift`);
    else if (team) bits.push(`${plural(team, 'person', 'people')} from the team here`);
    presenceLine.textContent = bits.join(' \u00b7 ');
  }

  // ---- announcements: batched, polite, never the whole list ----
  let heard = [];
  let heardTimer = null;
  const hear = (text, who) => {
    heard.push({ text, who });
    clearTimeout(heardTimer);
    heardTimer = setTimeout(() => {
      const batch = heard;
      heard = [];
      if (ctx.signal.aborted || !batch.length) return;
      if (batch.length === 1) announce(batch[0].text);
      else {
        const names = [...new Set(batch.map((b) => b.who).filter(Boolean))];
        announce(`${batch.length} new messages${names.length ? `, from ${andList(names.slice(0, 3))}${names.length > 3 ? ' and others' : ''}` : ''}`);
      }
    }, ANNOUNCE_SETTLE_MS);
  };

  // ---- messages ----
  const nameOf = (post) => str(post?.author?.pseudonym) || 'A former member';
  const isMine = (post) => me !== undefined && post?.author?.id === me;

  /** A Post as the page shows it: what the reader may do with it, and their own folding. */
  const prepare = (post, { live = false, previous = null } = {}) => {
    const p = { ...post, author: { ...(post.author || {}) } };
    const mine = isMine(p);
    const state = str(p.state) || 'published';
    p.can_edit = false; // Wall messages are not edited; a new message says it better
    p.can_delete = mine && state !== 'deleted' ? true : p.can_delete === true;
    if (live) {
      // Events carry the post as any reader sees it: fold and mute for this reader.
      p.can_react = !mine && state === 'published';
      p.my_reactions = previous ? list(previous.my_reactions) : [];
      p.author.muted = !mine && settings.muted.has(int(p.author.id));
      const keys = list(p.content_notes).map((n) => str(n?.key));
      p.collapsed = keys.some((k) => k && (settings.collapseAll || settings.collapsed.has(k)));
    }
    return p;
  };

  const staffActions = (post) => (staff && str(post.state) === 'held' ? [h('a', { href: `/moderation?network=${encodeURIComponent(slug)}`, class: 'harbour-wall__review', text: 'Review in the moderation queue' })] : []);

  const renderMessage = (post, reply) => {
    const id = int(post.id);
    const actions = [...staffActions(post)];
    if (!reply && str(post.state) === 'published') {
      const button = h('button', { type: 'button', class: 'harbour-link-button harbour-wall__reply-button', 'aria-expanded': 'false', 'aria-controls': `wall-reply-box-${id}` }, 'Reply', h('span', { class: 'nhsuk-u-visually-hidden', text: ` to ${nameOf(post)}` }));
      button.addEventListener('click', () => toggleReplyBox(id, button));
      const item = h('span', { class: 'harbour-wall__reply-action' }, button);
      actions.unshift(item);
    }
    const article = renderPost(post, {
      session,
      heading: reply ? 'h4' : 'h3',
      actions,
      onGone: (gone) => {
        removeEntry(id, { focusNext: true });
        announce(gone.state === 'deleted' ? 'Your message was deleted.' : 'The message was removed from the Wall.');
      },
      onMuted: (who) => {
        announce(`You muted ${who}. Their messages are folded away for you.`);
        settings.muted.add(int(post.author?.id));
        reload();
      },
      deleteQuestion: 'Delete this message? It will leave the Wall for everyone.',
      reportLabel: 'Report this message',
      hideWords: { summary: 'Remove this message (moderators)', button: 'Remove message', hint: 'It leaves the Wall for everyone at once. The author will see this reason. It is kept in the audit log.' },
    });
    article.classList.add('harbour-wall__message');
    // The reply action is a span in the list: hide its list item when the Wall is read only.
    const replyAction = article.querySelector('.harbour-wall__reply-action');
    if (replyAction) {
      const li = replyAction.closest('li');
      li.classList.add('harbour-wall__reply-action');
      li.hidden = !canPost;
    }
    return article;
  };

  /** Replace a message's article, keeping what the reader had open, typed and focused. */
  const redraw = (entry, post) => {
    const old = entry.article;
    const next = renderMessage(post, entry.parentId !== null);
    const active = document.activeElement;
    const focusId = active && old.contains(active) ? active.id : '';
    const focusables = 'a[href], button, summary, textarea, input, select, [tabindex]';
    const focusIndex = active && old.contains(active) ? [...old.querySelectorAll(focusables)].indexOf(active) : -1;
    for (const field of old.querySelectorAll('textarea[id], input[id]')) {
      const twin = next.querySelector(`#${CSS.escape(field.id)}`);
      if (!twin) continue;
      if (field.type === 'checkbox' || field.type === 'radio') twin.checked = field.checked;
      else twin.value = field.value;
    }
    const openDetails = [...old.querySelectorAll('details')].map((d) => d.open);
    [...next.querySelectorAll('details')].forEach((d, i) => {
      if (openDetails[i]) d.open = true;
    });
    old.replaceWith(next);
    entry.article = next;
    if (entry.replyHost?.firstChild) next.querySelector('.harbour-wall__reply-button')?.setAttribute('aria-expanded', 'true');
    if (focusId || focusIndex >= 0) {
      const again = (focusId && next.querySelector(`#${CSS.escape(focusId)}`)) || [...next.querySelectorAll(focusables)][focusIndex] || next.querySelector('.harbour-post__head');
      if (again && !again.matches(focusables)) again.setAttribute('tabindex', '-1');
      again?.focus({ preventScroll: true });
    }
  };

  const sameShown = (a, b) =>
    ['state', 'body_html', 'edited_at', 'collapsed', 'state_reason'].every((k) => JSON.stringify(a?.[k]) === JSON.stringify(b?.[k])) &&
    JSON.stringify(a?.content_notes) === JSON.stringify(b?.content_notes) &&
    JSON.stringify(a?.reactions) === JSON.stringify(b?.reactions) &&
    a?.author?.badge === b?.author?.badge &&
    a?.author?.muted === b?.author?.muted;

  /** The reactions the reader pressed, as shown (they may have changed since the post came). */
  const pressed = (entry) => [...entry.article.querySelectorAll('.harbour-reaction[aria-pressed="true"]')].map((b) => b.dataset.reaction);

  const messageItem = (post) => {
    const id = int(post.id);
    const article = renderMessage(post, false);
    const replies = h('ol', { class: 'nhsuk-list harbour-wall__replies', id: `wall-replies-${id}`, 'aria-label': `Replies to ${nameOf(post)}` });
    const replyHost = h('div', { class: 'harbour-wall__reply-box', id: `wall-reply-box-${id}` });
    const li = h('li', { class: 'harbour-wall__item', 'data-message-id': String(id) }, article, replies, replyHost);
    const entry = { post, li, article, replies, replyHost, parentId: null };
    entries.set(id, entry);
    for (const r of list(post.replies)) addReply(entry, prepare(r));
    replies.hidden = !replies.children.length;
    return li;
  };

  const addReply = (parent, post) => {
    const id = int(post.id);
    const article = renderMessage(post, true);
    const li = h('li', { class: 'harbour-wall__reply', 'data-message-id': String(id) }, article);
    const entry = { post, li, article, parentId: int(parent.post.id) };
    entries.set(id, entry);
    // Oldest first.
    const after = [...parent.replies.children].find((c) => Number(c.dataset.messageId) > id);
    parent.replies.insertBefore(li, after || null);
    parent.replies.hidden = false;
  };

  const placeMessage = (li, id) => {
    // Newest first: before the first older message on show.
    const before = [...messages.children].find((c) => Number(c.dataset.messageId) < id);
    messages.insertBefore(li, before || null);
    empty.hidden = true;
  };

  /** A message or reply that became visible or changed (from an event, or our own send). */
  function applyMessage(raw, { own = false } = {}) {
    if (!raw || typeof raw !== 'object') return;
    const id = int(raw.id);
    if (id === null) return;
    const entry = entries.get(id);
    const post = prepare(raw, { live: !own, previous: entry?.post });
    if (entry) {
      if (own) return; // already here (the event came first)
      post.my_reactions = pressed(entry);
      const wasHeld = str(entry.post.state) === 'held';
      if (!sameShown(entry.post, post)) redraw(entry, post);
      entry.post = post;
      if (wasHeld && post.state === 'published' && isMine(post)) announce('A moderator has approved your message: everyone can see it now.');
      return;
    }
    const parentId = int(raw.parent_id);
    if (parentId !== null) {
      const parent = entries.get(parentId);
      if (!parent || parent.parentId !== null) return; // its message is not on show (an older page)
      addReply(parent, post);
      if (!own && !isMine(post)) hear(`New reply from ${nameOf(post)} to ${isMine(parent.post) ? 'your message' : nameOf(parent.post)}`, nameOf(post));
      return;
    }
    const oldest = Math.min(...[...messages.children].map((c) => Number(c.dataset.messageId)));
    if (nextBefore !== null && messages.children.length && id < oldest) return; // on an older page
    placeMessage(messageItem(post), id);
    if (!own && !isMine(post)) hear(`New message from ${nameOf(post)}`, nameOf(post));
  }

  /** Take a message (and its replies) off the page; the focus goes to a neighbour if it was there. */
  function removeEntry(id, { focusNext = false } = {}) {
    const entry = entries.get(id);
    if (!entry) return;
    const had = entry.li.contains(document.activeElement) || focusNext;
    const neighbour = entry.li.nextElementSibling || entry.li.previousElementSibling;
    entries.delete(id);
    if (entry.replies) for (const r of entry.replies.querySelectorAll('[data-message-id]')) entries.delete(Number(r.dataset.messageId));
    const parent = entry.parentId !== null ? entries.get(entry.parentId) : null;
    entry.li.remove();
    if (parent) parent.replies.hidden = !parent.replies.children.length;
    if (!messages.children.length) empty.hidden = false;
    if (had) {
      const head = neighbour?.querySelector('.harbour-post__head') || (parent ? parent.article.querySelector('.harbour-post__head') : messagesHeading);
      head.setAttribute('tabindex', '-1');
      head.focus({ preventScroll: true });
    }
    if (had && !focusNext) announce('The message you were on was removed from the Wall.');
  }

  function applyReactions(id, reactions) {
    const entry = entries.get(id);
    if (!entry || !reactions || typeof reactions !== 'object') return;
    const post = { ...entry.post, reactions, my_reactions: pressed(entry) };
    const buttons = entry.article.querySelectorAll('.harbour-reaction[data-reaction]');
    if (buttons.length) {
      for (const b of buttons) {
        const count = b.querySelector('.harbour-reaction__count');
        if (count) count.textContent = String(int(reactions[b.dataset.reaction]) || 0);
      }
    } else {
      redraw(entry, post);
    }
    entry.post = post;
  }

  // ---- events ----
  function applyEvent(ev) {
    if (!ev || typeof ev !== 'object') return;
    const eventId = int(ev.event_id);
    if (eventId !== null) {
      if (eventId <= newest) return; // applied already (a resume overlapping a catch-up)
      newest = eventId;
    }
    switch (ev.type) {
      case 'wall_message':
        applyMessage(ev.message);
        break;
      case 'wall_removed':
        removeEntry(int(ev.message_id));
        break;
      case 'wall_reactions':
        applyReactions(int(ev.message_id), ev.reactions);
        break;
      default:
        break;
    }
  }

  function applyBatch(events, lastEventId, reset) {
    if (reset) {
      reload();
      return;
    }
    for (const ev of list(events)) applyEvent(ev);
    const last = int(lastEventId);
    if (last !== null && last > newest) newest = last;
  }

  const onEvent = (msg) => {
    if (ctx.signal.aborted) return;
    if (reloading && msg.type !== 'wall_presence' && msg.type !== 'wall_hours') {
      reloading.push(msg);
      return;
    }
    switch (msg.type) {
      case 'wall_resume':
        applyBatch(msg.events, msg.last_event_id, msg.reset === true);
        break;
      case 'wall_presence':
        paintPresence(msg);
        break;
      case 'wall_hours': {
        const wasOpen = office.open;
        setOffice({ open: msg.open, summary: msg.summary, next_change: msg.next_change }, { can_post: staff || msg.open === true });
        if (wasOpen !== office.open) announce(office.open ? 'The Wall is open: moderators are here now.' : `The Wall is closed for now. ${str(msg.summary)}`);
        break;
      }
      default:
        applyEvent(msg);
    }
  };

  // ---- the whole list (first load, a reset, after muting someone) ----
  function showList(d) {
    const focusedPost = messages.contains(document.activeElement) ? document.activeElement.closest('[data-message-id]')?.dataset.messageId : null;
    for (const key of [...entries.keys()]) entries.delete(key);
    messages.replaceChildren(...list(d?.messages).map((m) => messageItem(prepare(m))));
    empty.hidden = messages.children.length > 0;
    nextBefore = int(d?.next_before);
    olderButton.hidden = nextBefore === null;
    newest = int(d?.last_event_id) ?? newest;
    setOffice(d?.office, { can_post: d?.can_post, read_only_reason: d?.read_only_reason });
    if (d?.presence) paintPresence(d.presence);
    if (focusedPost) {
      const head = document.querySelector(`#post-${CSS.escape(focusedPost)} .harbour-post__head`) || messagesHeading;
      head.setAttribute('tabindex', '-1');
      head.focus({ preventScroll: true });
    }
  }

  async function reload() {
    if (reloading) return;
    reloading = [];
    try {
      const d = await getJson(`/networks/${encodeURIComponent(slug)}/wall`, { signal: ctx.signal });
      if (ctx.signal.aborted) return;
      const held = reloading;
      reloading = null;
      showList(d);
      for (const msg of held) onEvent(msg);
    } catch {
      const held = reloading;
      reloading = null;
      for (const msg of held) onEvent(msg);
    }
  }

  // ---- older messages ----
  olderButton.addEventListener('click', async () => {
    if (nextBefore === null) return;
    olderButton.disabled = true;
    olderStatus.textContent = 'Loading older messages\u2026';
    try {
      const d = await getJson(`/networks/${encodeURIComponent(slug)}/wall?before=${nextBefore}`, { signal: ctx.signal });
      if (ctx.signal.aborted) return;
      const fresh = list(d?.messages).filter((m) => int(m?.id) !== null && !entries.has(int(m.id)));
      const items = fresh.map((m) => messageItem(prepare(m)));
      messages.append(...items);
      empty.hidden = messages.children.length > 0;
      nextBefore = int(d?.next_before);
      olderButton.hidden = nextBefore === null;
      olderStatus.textContent = fresh.length ? `${plural(fresh.length, 'older message', 'older messages')} shown.` : 'There are no older messages.';
      // The person asked for them: take them to the first one.
      const head = items[0]?.querySelector('.harbour-post__head');
      if (head) {
        head.setAttribute('tabindex', '-1');
        head.focus();
      }
    } catch (err) {
      olderStatus.textContent = err?.message || 'We could not load older messages. Please try again.';
    } finally {
      olderButton.disabled = false;
    }
  });

  // ---- replies ----
  function toggleReplyBox(id, button) {
    const entry = entries.get(id);
    if (!entry) return;
    if (entry.replyHost.firstChild) {
      entry.replyHost.replaceChildren();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
      return;
    }
    const replyButton = () => entry.article.querySelector('.harbour-wall__reply-button');
    const close = () => {
      entry.replyHost.replaceChildren();
      const b = replyButton();
      b?.setAttribute('aria-expanded', 'false');
      b?.focus();
    };
    const cancel = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', text: 'Cancel' });
    cancel.addEventListener('click', close);
    const box = composer({
      id: `wall-reply-${id}`,
      ctx,
      network: slug,
      draftKey: null,
      title: null,
      body: { label: `Your reply to ${nameOf(entry.post)}`, noun: 'reply', max: MAX_CHARS, rows: 3, hint: 'Up to 1,000 characters.' },
      submitText: 'Send reply',
      afterSend: 'reset',
      checkIdentifying: true,
      extra: cancel,
      send: (payload) => postJson(`/networks/${encodeURIComponent(slug)}/wall/messages`, { ...payload, reply_to: id }),
      onPublished: (post) => {
        applyMessage(post, { own: true });
        close();
      },
      onHeld: (post, moderation) => {
        applyMessage(post, { own: true });
        if (!moderation?.crisis?.show) {
          close();
          announce(str(moderation?.message) || 'Sent. A moderator will read your reply before it appears.');
        }
      },
      onError: sendError,
    });
    entry.replyHost.replaceChildren(box);
    button.setAttribute('aria-expanded', 'true');
    box.querySelector('textarea')?.focus();
  }

  // ---- live ----
  let lastCatchUp = 0;
  const catchUp = async () => {
    // The socket will not open: ask over HTTP for what it would have said.
    if (Date.now() - lastCatchUp < FALLBACK_MIN_INTERVAL_MS || reloading) return;
    lastCatchUp = Date.now();
    try {
      const d = await getJson(`/networks/${encodeURIComponent(slug)}/wall/events?after=${newest}`, { signal: ctx.signal });
      if (!ctx.signal.aborted) applyBatch(d?.events, d?.last_event_id, d?.reset === true);
    } catch (err) {
      if (ctx.signal.aborted || !(err instanceof ApiError)) return;
      if (err.status === 401) {
        unsubscribe();
        paintConnection('closed');
        refreshSession();
      } else if (err.status === 403 || err.status === 404) {
        unsubscribe();
        showProblem(page, err, { what: 'the Wall' });
      }
    }
  };

  showList(data);
  // A link to one message (a notification): bring it into view.
  if (ctx.url.hash.startsWith('#post-')) document.getElementById(ctx.url.hash.slice(1))?.scrollIntoView();
  paintConnection('connecting');
  const unsubscribe = subscribeWall({
    slug,
    after: () => newest,
    onEvent,
    onState: (state, info) => {
      if (ctx.signal.aborted) return;
      // Each new try while reconnecting is not news: the line says "Reconnecting" until it is live.
      let shown = state === 'connecting' && connection === 'reconnecting' ? 'reconnecting' : state;
      // The session ended (4001), then the sign-out that follows: still "your session has ended".
      if (state === 'stopped' && connection === 'closed') shown = 'closed';
      if (shown !== connection) {
        paintConnection(shown);
        if (lastPresence) paintPresence(lastPresence);
      }
      // Refused (the upgrade, or the resume with 1008): ask over HTTP, which also says why.
      if (state === 'reconnecting' && (info?.opened === false || info?.code === 1008)) catchUp();
      if (state === 'closed') refreshSession();
    },
  });
  ctx.signal.addEventListener('abort', () => {
    clearTimeout(heardTimer);
    unsubscribe();
  });
}

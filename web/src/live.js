// The live connection: one WebSocket to wss://<host>/ws while someone is signed in. It keeps the
// unread-notification count in the header up to date and announces new notifications politely.
// Reconnects with backoff (1 s doubling to 30 s, with jitter); a close with 4001 means the
// session ended, so it waits until the person signs in again.
//
// The Wall page rides on the same socket (one socket per tab): while it is on show it subscribes
// (subscribeWall), and the socket is opened again as /ws?wall=<slug>&after=<newest event id>, so
// the server resumes the Wall from what the page has. The page hears the Wall's events and the
// connection's state; when it goes, the socket is opened again without the Wall.
import { getJson } from './api.js';
import { h } from './dom.js';
import { onSessionChange } from './session.js';

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 30000;

let unread = 0;
const listeners = new Set();
let announcer = null;

// The Wall subscription (at most one: the page on show), and the hook that reopens the socket
// for it (set by installLive).
let wallSub = null;
let reopen = null;
const WALL_TYPES = new Set(['wall_resume', 'wall_message', 'wall_removed', 'wall_reactions', 'wall_presence', 'wall_hours']);

/**
 * Follow a network's Wall on the tab's socket.
 * @param {{slug: string, after: () => (number|null), onEvent: (msg: any) => void,
 *   onState: (state: 'connecting'|'live'|'reconnecting'|'closed'|'stopped', info?: {delayMs?: number, opened?: boolean, code?: number}) => void}} sub
 *   after: the newest event id the page holds (asked at every connect); onEvent: the Wall's
 *   events (wall_*) of this network; onState: 'connecting', 'live' (open), 'reconnecting' (the
 *   socket dropped: the next try in delayMs; opened false when it never opened; code: the close
 *   code, 1008 when the server refused the Wall's resume), 'closed' (the
 *   session ended: sign in again), 'stopped' (signed out)
 * @returns {() => void} unsubscribe (the socket reopens without the Wall)
 */
export function subscribeWall(sub) {
  wallSub = sub;
  reopen?.();
  return () => {
    if (wallSub !== sub) return;
    wallSub = null;
    reopen?.();
  };
}

/** Try to connect again now (a "Try now" button while reconnecting). */
export function reconnectNow() {
  reopen?.({ onlyIfDown: true });
}

/** The unread count as last known. */
export function unreadCount() {
  return unread;
}

/** Set the unread count (pages that read notifications know it best) and tell listeners. */
export function setUnreadCount(n) {
  const next = Number.isSafeInteger(n) && n >= 0 ? n : 0;
  if (next === unread) return;
  unread = next;
  for (const fn of [...listeners]) fn(unread);
}

/** Listen for changes of the unread count; called at once. */
export function onUnreadChange(fn) {
  listeners.add(fn);
  fn(unread);
  return () => listeners.delete(fn);
}

/** Say something politely to screen readers (without moving focus). */
export function announce(text) {
  if (!announcer) return;
  announcer.textContent = '';
  // A fresh text after a tick, so the same words twice are announced twice.
  setTimeout(() => {
    announcer.textContent = text;
  }, 50);
}

// A clinician hears about a new safeguarding case once, however many topics carry it (the staff
// topic of the network and their own, when on shift).
const seenCases = new Set();

/**
 * A visible alert above the page for a new safeguarding case, with a link to it. role="alert":
 * an urgent case should interrupt, and only staff on shift receive these.
 */
function showCaseAlert(c) {
  const id = Number(c?.id);
  if (!Number.isSafeInteger(id) || seenCases.has(id)) return;
  seenCases.add(id);
  const urgent = c?.tier === 'urgent';
  const alert = h(
    'div',
    { class: 'nhsuk-warning-callout harbour-case-alert', role: 'alert', id: `case-alert-${id}` },
    h('h2', { class: 'nhsuk-warning-callout__label' }, h('span', { text: urgent ? 'Urgent: new safeguarding case' : 'New safeguarding case' })),
    h('p', { text: `A member's post needs a clinician.${respondBy(c?.due_at)}` }),
  );
  const dismiss = () => alert.remove();
  const open = h('a', { href: `/cases/item?id=${id}`, text: 'Open the case' });
  // Opening the case is answering the alert.
  open.addEventListener('click', dismiss);
  const close = h('button', { class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small', type: 'button', text: 'Dismiss' });
  close.addEventListener('click', dismiss);
  alert.append(h('p', {}, open), close);
  const container = h('div', { class: 'nhsuk-width-container harbour-case-alert__container' }, alert);
  const main = document.getElementById('maincontent');
  main?.parentElement?.insertBefore(container, main);
  // The wrapper goes with its alert.
  new MutationObserver(() => {
    if (!container.contains(alert)) container.remove();
  }).observe(container, { childList: true });
}

/** " Respond by 09:15 today." / "... tomorrow." / "... on Wednesday 25 November." */
function respondBy(dueAt) {
  const due = typeof dueAt === 'string' ? new Date(dueAt) : null;
  if (!due || Number.isNaN(due.getTime())) return '';
  const time = due.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  const day = (d) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(due) - day(new Date())) / 86_400_000);
  const when = days === 0 ? 'today' : days === 1 ? 'tomorrow' : `on ${due.toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'long' })}`;
  return ` Respond by ${time} ${when}.`;
}

function describe(n) {
  const who = typeof n?.actor?.pseudonym === 'string' ? n.actor.pseudonym : 'Someone';
  const title = typeof n?.link?.title === 'string' && n.link.title ? ` \u201c${n.link.title}\u201d` : '';
  switch (n?.kind) {
    case 'reply':
      return `${who} replied to${title || ' your topic'}`;
    case 'comment':
      if (n?.link?.kind === 'wall_message') return `${who} replied to your message on the Wall`;
      return `${who} commented on${title || ' your post'}`;
    case 'mention':
      return `${who} mentioned you`;
    case 'approved':
      return `your post${title ? ` in${title}` : ''} is published`;
    case 'rejected':
      return `a moderator did not publish your post${title ? ` in${title}` : ''}`;
    case 'hidden':
      return `a moderator hid your post${title ? ` in${title}` : ''}`;
    default:
      return 'something new';
  }
}

/**
 * Start the live connection for whoever is signed in (once, from main.js). `host` holds the
 * polite live region.
 */
export function installLive(host) {
  announcer = h('p', { class: 'nhsuk-u-visually-hidden', 'aria-live': 'polite', id: 'live-announcer' });
  host.append(announcer);
  let socket = null;
  let userId = null;
  let attempt = 0;
  let timer = null;
  let stopped = true;

  const refreshCount = () =>
    getJson('/notifications')
      .then((d) => setUnreadCount(d?.unread_count))
      .catch(() => {});

  // Close a socket this tab no longer uses. One still connecting is closed once it opens:
  // closing it mid-handshake makes the browser log an error.
  const retire = (ws) => {
    if (!ws) return;
    if (ws.readyState === WebSocket.CONNECTING) ws.addEventListener('open', () => ws.close(1000), { once: true });
    else ws.close(1000);
  };

  const wallState = (state, info) => {
    try {
      wallSub?.onState(state, info);
    } catch (err) {
      console.error(err);
    }
  };

  /** /ws, or /ws?wall=<slug>&after=<id> while the Wall is on show. */
  const address = () => {
    const base = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/ws`;
    if (!wallSub) return base;
    const q = new URLSearchParams({ wall: wallSub.slug });
    const after = wallSub.after();
    if (Number.isSafeInteger(after) && after >= 0) q.set('after', String(after));
    return `${base}?${q}`;
  };

  const connect = () => {
    clearTimeout(timer);
    timer = null;
    if (stopped || socket) return;
    let ws;
    wallState('connecting');
    try {
      ws = new WebSocket(address());
    } catch {
      schedule(false);
      return;
    }
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      if (socket !== ws) return; // retired while connecting (see retire)
      opened = true;
      attempt = 0;
      refreshCount(); // anything that arrived while away
      wallState('live');
    });
    ws.addEventListener('message', (event) => {
      if (socket !== ws) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch {
        return;
      }
      if (msg?.type === 'notification') {
        if (Number.isSafeInteger(msg.unread_count)) setUnreadCount(msg.unread_count);
        else setUnreadCount(unread + 1);
        announce(`New notification: ${describe(msg.notification)}`);
      } else if (msg?.type === 'case_opened') {
        showCaseAlert(msg.case);
      } else if (msg?.type === 'staff_message') {
        announce(`New message from the team (${typeof msg.message?.from === 'string' ? msg.message.from : 'staff'})`);
      }
      if (WALL_TYPES.has(msg?.type) && wallSub && socket === ws && (typeof msg.network !== 'string' || msg.network === wallSub.slug)) {
        try {
          wallSub.onEvent(msg);
        } catch (err) {
          console.error(err);
        }
      }
      // Pages that show live lists (the queue, cases) refresh themselves on these.
      document.dispatchEvent(new CustomEvent('harbour:live', { detail: msg }));
    });
    ws.addEventListener('close', (event) => {
      // A socket closed on purpose (to reopen it for the Wall, or on sign-out) is no news.
      if (socket !== ws) return;
      socket = null;
      if (event.code === 4001) {
        stopped = true; // the session ended: wait for the next sign-in
        wallState('closed');
        return;
      }
      schedule(opened, event.code);
    });
  };

  const schedule = (opened = true, code = 0) => {
    if (stopped || timer) return;
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** attempt);
    attempt += 1;
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    timer = setTimeout(connect, delay);
    wallState('reconnecting', { delayMs: delay, opened, code });
  };

  // Open the socket again now (for a Wall subscription, or its end). onlyIfDown: only when it
  // is waiting to reconnect (a "Try now" button).
  reopen = ({ onlyIfDown = false } = {}) => {
    if (stopped) {
      // Not signed in (yet), or the session ended: the Wall page says so.
      if (userId === null) return;
      wallState('closed');
      return;
    }
    if (onlyIfDown && socket) return;
    const ws = socket;
    socket = null;
    retire(ws);
    attempt = 0;
    connect();
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    timer = null;
    const ws = socket;
    socket = null;
    retire(ws);
    wallState('stopped');
  };

  onSessionChange((state) => {
    const id = state.status === 'signed-in' ? state.session?.user.id : null;
    if (state.status === 'loading' || state.status === 'unknown') return;
    if (id === null || id === undefined) {
      userId = null;
      stop();
      setUnreadCount(0);
      return;
    }
    if (id !== userId) {
      stop();
      userId = id;
      attempt = 0;
    }
    if (stopped) {
      stopped = false;
      refreshCount();
      connect();
    }
  });
  window.addEventListener('online', () => {
    if (!stopped && !socket) {
      attempt = 0;
      connect();
    }
  });
}

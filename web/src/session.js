// Who is signed in. Asked of the server once when the app loads (GET /api/v1/session) and again
// after signing in or out; pages and the header listen for changes. Kept in memory only: the
// session is an HttpOnly cookie the browser handles, and the CSRF token lives in api.js.
import { ApiError, deleteJson, getJson, postJson, setCsrfToken } from './api.js';

/**
 * @typedef {object} Membership
 * @property {{slug: string, name: string}} network
 * @property {string} role member | carer | volunteer | peer_supporter | clinician
 * @property {boolean} active
 *
 * @typedef {object} Session
 * @property {{id: number, pseudonym: string, is_admin: boolean, suspended: boolean}} user
 * @property {Membership[]} memberships
 * @property {{required: boolean, enrolled: boolean, done: boolean}} second_factor
 *
 * @typedef {object} SessionState
 * @property {'loading'|'signed-in'|'signed-out'|'unknown'} status 'unknown': the server could not be asked
 * @property {Session|null} session
 */

/** @type {SessionState} */
let state = { status: 'loading', session: null };
/** @type {Promise<SessionState>|null} */
let pending = null;
const listeners = new Set();

const str = (v) => (typeof v === 'string' ? v : '');

/** Tidy a GET /api/v1/session reply into a Session (ignoring anything malformed). */
function normalise(data) {
  const user = data?.user;
  if (!user || typeof user !== 'object' || !str(user.pseudonym)) return null;
  const memberships = Array.isArray(data.memberships)
    ? data.memberships
        .filter((m) => m && typeof m === 'object' && m.network && str(m.network.slug))
        .map((m) => ({
          network: { slug: str(m.network.slug), name: str(m.network.name) || str(m.network.slug) },
          role: str(m.role),
          active: m.active !== false,
        }))
    : [];
  const sf = data.second_factor && typeof data.second_factor === 'object' ? data.second_factor : {};
  return {
    user: { id: user.id, pseudonym: str(user.pseudonym), is_admin: user.is_admin === true, suspended: user.suspended === true },
    memberships,
    second_factor: { required: sf.required === true, enrolled: sf.enrolled === true, done: sf.done === true },
  };
}

function set(next) {
  state = next;
  for (const fn of [...listeners]) {
    try {
      fn(state);
    } catch (err) {
      console.error(err);
    }
  }
  return state;
}

/** The state as last known (may still be 'loading'). */
export function sessionState() {
  return state;
}

/** Ask the server who is signed in, and tell the listeners. */
export function refreshSession() {
  const asking = getJson('/session')
    .then((data) => {
      const session = normalise(data);
      if (!session) {
        setCsrfToken(null);
        return { status: 'signed-out', session: null };
      }
      setCsrfToken(data.csrf_token);
      return { status: 'signed-in', session };
    })
    .catch((err) => {
      if (err instanceof ApiError && err.status === 401) {
        setCsrfToken(null);
        return { status: 'signed-out', session: null };
      }
      // Could not ask (offline, server trouble): keep a CSRF token we may already have.
      return { status: 'unknown', session: null };
    })
    .then((next) => {
      // Only the newest question decides.
      if (pending === asking) set(next);
      return state;
    });
  pending = asking;
  return asking;
}

/** The state once the first (or latest) question has been answered. */
export function sessionReady() {
  return pending ?? refreshSession();
}

/**
 * Listen for changes; called at once with the current state.
 * @param {(s: SessionState) => void} fn
 * @param {AbortSignal} [signal] stop listening when aborted (for example when the page changes)
 */
export function onSessionChange(fn, signal) {
  listeners.add(fn);
  signal?.addEventListener('abort', () => listeners.delete(fn), { once: true });
  fn(state);
  return () => listeners.delete(fn);
}

/**
 * After POST /accounts or POST /session succeeded: keep the new CSRF token, then ask for the
 * full session (memberships, second factor) so the header and pages are up to date.
 */
export async function adoptSignIn(reply) {
  setCsrfToken(reply?.csrf_token);
  return refreshSession();
}

/**
 * Sign out of this device, or of every device (everywhere: true).
 * @throws {ApiError} when the server refused (the person is then still signed in)
 */
export async function signOut({ everywhere = false } = {}) {
  try {
    if (everywhere) await postJson('/session/end-all', {});
    else await deleteJson('/session');
  } catch (err) {
    // Already signed out (expired or ended elsewhere): that is what was wanted.
    if (!(err instanceof ApiError && err.status === 401)) throw err;
  }
  setCsrfToken(null);
  set({ status: 'signed-out', session: null });
  return refreshSession();
}

// ---------------------------------------------------------------------------------------
// Two-step sign-in (staff)

/** A path with ?next= added (left out when next is the home page). */
export function withNext(path, next) {
  return next && next !== '/' ? `${path}?next=${encodeURIComponent(next)}` : path;
}

/**
 * Whether this person still has the second step to do: staff and admins who have not yet
 * entered a code since signing in.
 */
export function needsSecondStep(session) {
  const sf = session?.second_factor;
  return Boolean(sf && sf.required && !sf.done);
}

/**
 * The page that finishes the second step, coming back to `next` afterwards: entering a code
 * (/sign-in/two-step), or, when two-step sign-in is not set up yet, setting it up
 * (/account/two-step).
 */
export function secondStepPath(session, next = '/') {
  const page = session?.second_factor?.enrolled ? '/sign-in/two-step' : '/account/two-step';
  if (next.split('?')[0] === page) return next;
  return withNext(page, next);
}

/** Where to go after signing in or joining: `next`, unless the second step comes first. */
export function afterSignInPath(session, next = '/') {
  return needsSecondStep(session) ? secondStepPath(session, next) : next;
}

// ---------------------------------------------------------------------------------------
// Roles

const ROLE_LABELS = {
  member: 'member',
  carer: 'carer or relative',
  volunteer: 'volunteer',
  peer_supporter: 'peer supporter',
  clinician: 'clinician',
  admin: 'administrator',
};

/** A role in words, for sentences ("a member", "a carer or relative"). */
export function roleLabel(role) {
  return Object.hasOwn(ROLE_LABELS, role) ? ROLE_LABELS[role] : str(role).replace(/_/g, ' ');
}

/** "a member", "an administrator". */
export function withArticle(words) {
  return `${/^[aeiou]/i.test(words) ? 'an' : 'a'} ${words}`;
}

/** Capitalised role label, for lists and tables. */
export function roleTitle(role) {
  const words = roleLabel(role);
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Staff roles (they moderate and need two-step sign-in). */
export function isStaffRole(role) {
  return role === 'volunteer' || role === 'peer_supporter' || role === 'clinician' || role === 'admin';
}

/** Networks where this person may invite people: clinicians there, and admins. */
export function invitingNetworks(session) {
  if (!session) return [];
  return session.memberships.filter((m) => m.active && (session.user.is_admin || m.role === 'clinician'));
}

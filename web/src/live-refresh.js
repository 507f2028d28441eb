// Live lists for staff (the queue, cases, the dashboard): live.js re-dispatches every socket
// message as a `harbour:live` document event; these helpers let a page hear the ones about its
// own community, and tell whether reloading now would throw away someone's work.

/** The community slug a live message is about, or '' when it does not say. */
export function liveNetworkOf(msg) {
  const candidates = [msg?.network, msg?.case?.network, msg?.item?.network];
  for (const c of candidates) {
    if (typeof c === 'string' && c) return c;
    if (c && typeof c === 'object' && typeof c.slug === 'string' && c.slug) return c.slug;
  }
  return '';
}

/**
 * Call `fn(msg)` for live messages of the given types about `slug` (or about no community in
 * particular), until `signal` aborts. Bursts (ten posts flagged at once) arrive as one call
 * after `settleMs`, so a page reloads once, not ten times.
 * @param {AbortSignal} signal
 * @param {string[]} types
 * @param {string} slug
 * @param {(msg: any) => void} fn
 */
export function onLive(signal, types, slug, fn, { settleMs = 400 } = {}) {
  let timer = null;
  let last = null;
  const listener = (event) => {
    const msg = event instanceof CustomEvent ? event.detail : null;
    if (!msg || !types.includes(msg.type)) return;
    const about = liveNetworkOf(msg);
    if (about && about !== slug) return;
    last = msg;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      if (!signal.aborted) fn(last);
    }, settleMs);
  };
  document.addEventListener('harbour:live', listener);
  signal.addEventListener(
    'abort',
    () => {
      clearTimeout(timer);
      document.removeEventListener('harbour:live', listener);
    },
    { once: true },
  );
}

/**
 * Someone is working inside `container`: a form control in it has the focus, a field holds
 * something they typed or chose (reloading would lose it), or they opened a distressing post
 * or a folded form (a reload would close it under their eyes).
 */
export function isBusyIn(container) {
  if (!container) return false;
  const active = document.activeElement;
  if (active && container.contains(active) && active.matches('input, textarea, select, button, summary, [contenteditable="true"]')) return true;
  for (const field of container.querySelectorAll('textarea, input')) {
    if (field instanceof HTMLTextAreaElement && field.value !== field.defaultValue) return true;
    if (field instanceof HTMLInputElement) {
      if ((field.type === 'checkbox' || field.type === 'radio') && field.checked !== field.defaultChecked) return true;
      if (field.type !== 'checkbox' && field.type !== 'radio' && field.type !== 'hidden' && field.value !== field.defaultValue) return true;
    }
  }
  for (const select of container.querySelectorAll('select')) {
    // With no option marked selected in the markup, the first one is the default.
    const initial = Math.max(0, [...select.options].findIndex((o) => o.defaultSelected));
    if (select.options.length && select.selectedIndex !== initial) return true;
  }
  return Boolean(container.querySelector('details[open], [aria-expanded="true"]'));
}

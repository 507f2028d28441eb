// A tiny client-side router on the History API.
// - Same-origin links to app routes are handled here (no page load); Back and Forward work.
// - After a navigation, focus moves to the new page's h1, so screen readers announce it,
//   and the document title becomes "Page – Harbour".
// - On the first load focus is left alone, so the first Tab still reaches the skip link.
// The server answers any path without a file extension with index.html, so deep links work.

const SITE_NAME = 'Harbour';

/**
 * @typedef {object} PageContext
 * @property {URL} url the URL being shown
 * @property {AbortSignal} signal aborted when the person leaves this page
 * @property {(title: string) => void} setTitle change the page title after rendering
 * @property {(href: string, options?: {replace?: boolean}) => void} navigate go to another
 *   page of the app (replace: without adding a history entry, for redirects)
 *
 * @typedef {object} Page
 * @property {string} title
 * @property {(main: HTMLElement, ctx: PageContext) => void} render
 */

export class Router {
  /**
   * @param {HTMLElement} main the element that holds the page
   * @param {Record<string, Page>} routes exact paths
   * @param {Page} notFound
   * @param {{onShow?: (url: URL) => void}} [hooks] onShow: after each page is shown
   */
  constructor(main, routes, notFound, hooks = {}) {
    this.main = main;
    this.routes = routes;
    this.notFound = notFound;
    this.hooks = hooks;
    this.current = null; // pathname + search of the page on show
    this.controller = null;
  }

  start() {
    document.addEventListener('click', (event) => this.onClick(event));
    window.addEventListener('popstate', () => this.show({ focus: true, scroll: false }));
    this.show({ focus: false, scroll: false });
  }

  /**
   * Go to a same-origin path, adding a history entry (or replacing the current one).
   * force: show the page again even if it is the one on show (for example after signing out).
   */
  navigate(href, { replace = false, force = false } = {}) {
    const url = new URL(href, window.location.href);
    const key = url.pathname + url.search;
    if (force) {
      if (key === this.current) replace = true; // no second history entry for the same page
      this.current = null;
    }
    if (key === this.current && !url.hash) {
      // Same page: just move focus to its heading again.
      focusHeading(this.main);
      return;
    }
    if (replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    this.show({ focus: true, scroll: true });
  }

  /** @param {MouseEvent} event */
  onClick(event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target : null;
    const link = target?.closest('a[href]');
    if (!link || !(link instanceof HTMLAnchorElement)) return;
    if (link.target && link.target !== '_self') return;
    if (link.hasAttribute('download') || link.dataset.router === 'off') return;
    const url = new URL(link.href);
    if (url.origin !== window.location.origin) return;
    if (url.pathname.startsWith('/api/')) return;
    // Files (anything with an extension in its last segment) are not app routes.
    const last = url.pathname.slice(url.pathname.lastIndexOf('/') + 1);
    if (last.includes('.')) return;
    // In-page links (such as the skip link) keep their normal behaviour.
    if (url.hash && url.pathname === window.location.pathname && url.search === window.location.search) return;
    event.preventDefault();
    this.navigate(url.href);
  }

  /**
   * Routes with a number in the path ("/admin/users/:id"): the page for `path`, or notFound.
   * The page reads the number from ctx.url itself.
   */
  matchPattern(path) {
    for (const [pattern, page] of Object.entries(this.routes)) {
      if (!pattern.includes('/:id')) continue;
      const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('/:id', '/[1-9][0-9]{0,15}')}$`);
      if (re.test(path)) return page;
    }
    return this.notFound;
  }

  show({ focus, scroll }) {
    const url = new URL(window.location.href);
    const key = url.pathname + url.search;
    if (key === this.current) return; // e.g. a change of #fragment only
    this.current = key;

    this.controller?.abort();
    this.controller = new AbortController();

    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const page = Object.hasOwn(this.routes, path) ? this.routes[path] : this.matchPattern(path);

    setTitle(page.title);
    this.main.replaceChildren();
    page.render(this.main, {
      url,
      signal: this.controller.signal,
      setTitle,
      navigate: (href, options) => this.navigate(href, options),
    });
    updateCurrentLinks(url.pathname);
    this.hooks.onShow?.(url);

    if (scroll) window.scrollTo(0, 0);
    if (focus) focusHeading(this.main);
  }
}

function setTitle(title) {
  document.title = title && title !== SITE_NAME ? `${title} \u2013 ${SITE_NAME}` : SITE_NAME;
}

function focusHeading(main) {
  const h1 = main.querySelector('h1');
  const target = h1 || main;
  if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
  target.focus({ preventScroll: false });
}

/** Mark links to the page on show with aria-current="page" (in the header and footer). */
export function updateCurrentLinks(pathname = window.location.pathname) {
  for (const link of document.querySelectorAll('header a[href], footer a[href]')) {
    if (!(link instanceof HTMLAnchorElement)) continue;
    const url = new URL(link.href);
    if (url.origin === window.location.origin && url.pathname === pathname) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

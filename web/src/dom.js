// Tiny DOM helpers. Text is always inserted as text nodes (never parsed as HTML), so data
// from the network can never become markup.

/**
 * Create an element.
 * @param {string} tag
 * @param {Record<string, string|number|boolean|null|undefined>} [attrs] `class` sets className,
 *   `text` sets textContent; other keys become attributes (true: present, false/null: absent).
 * @param {...(Node|string|null|undefined|false|Array)} children strings become text nodes.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'text') el.replaceChildren(textOf(String(value), el));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : textOf(String(child), el));
  }
}

// Bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069): in a
// person's text they make whatever follows on the line read backwards, which could disguise a
// pseudonym, a title or a link beside it. Text holding one goes in its own <bdi>, so the effect
// ends where that text ends; the text itself is kept as written.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

// A <textarea> keeps its text as written: it is a box of its own, and its value is its own text
// only (an element inside it would empty the field).
function textOf(text, parent) {
  if (parent?.tagName === 'TEXTAREA' || !BIDI_CONTROLS.test(text)) return text;
  const bdi = document.createElement('bdi');
  bdi.textContent = text;
  return bdi;
}

/** Put every text node under `root` that holds a bidirectional control in its own <bdi>. */
export function isolateBidi(root) {
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const found = [];
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (BIDI_CONTROLS.test(n.nodeValue) && n.parentNode?.nodeName !== 'BDI') found.push(n);
  }
  for (const n of found) n.replaceWith(textOf(n.nodeValue));
  return root;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** A decorative NHS.UK icon: `name` is its nhsuk-icon--<name> class, `d` its path. */
export function nhsIcon(name, d) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', `nhsuk-icon nhsuk-icon--${name}`);
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '16');
  svg.setAttribute('height', '16');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG_NS, 'path');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** The NHS.UK "arrow-right-circle" icon used by action links (decorative). */
export function arrowRightCircleIcon() {
  return nhsIcon('arrow-right-circle', 'M12 2a10 10 0 0 0-10 9h11.7l-4-4a1 1 0 0 1 1.5-1.4l5.6 5.7a1 1 0 0 1 0 1.4l-5.6 5.7a1 1 0 0 1-1.5 0 1 1 0 0 1 0-1.4l4-4H2A10 10 0 1 0 12 2z');
}

/** An NHS.UK inset text block. */
export function insetText(...children) {
  return h('div', { class: 'nhsuk-inset-text' }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Information: ' }), ...children);
}

/** Replace an element's children, with the same rules as h() (null, false skipped; arrays flattened). */
export function setChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

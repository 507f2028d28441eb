// The content notes authors can put on a post ("Mentions self-harm"), from GET /content-notes,
// asked once and kept for the life of the page.
import { getJson } from './api.js';
import { h } from './dom.js';

let cached = null;

/** @returns {Promise<{key: string, label: string}[]>} */
export function contentNotes() {
  if (!cached) {
    cached = getJson('/content-notes')
      .then((d) => (Array.isArray(d?.notes) ? d.notes.filter((n) => n && typeof n.key === 'string' && typeof n.label === 'string') : []))
      .catch((err) => {
        cached = null;
        throw err;
      });
  }
  return cached;
}

export const MAX_NOTES = 4;

/**
 * NHS.UK checkboxes for content notes.
 * @param {{id: string, legend: string, hint?: string, notes: {key,label}[], checked: string[]}} o
 * @returns {{group: HTMLElement, input: HTMLElement|null, value: () => string[], set: (keys: string[]) => void,
 *   setError: (message: string|null) => void, onChange: (fn: () => void) => void}}
 */
export function noteCheckboxes(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const legend = h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', text: o.legend });
  const hint = o.hint ? h('div', { class: 'nhsuk-hint', id: hintId, text: o.hint }) : null;
  const inputs = o.notes.map((n, i) => {
    const input = h('input', { class: 'nhsuk-checkboxes__input', id: i === 0 ? o.id : `${o.id}-${n.key}`, name: o.id, type: 'checkbox', value: n.key });
    input.checked = o.checked.includes(n.key);
    return input;
  });
  const fieldset = h(
    'fieldset',
    { class: 'nhsuk-fieldset', 'aria-describedby': hintId },
    legend,
    hint,
    h(
      'div',
      { class: 'nhsuk-checkboxes nhsuk-checkboxes--small' },
      inputs.map((input, i) =>
        h('div', { class: 'nhsuk-checkboxes__item' }, input, h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: input.id, text: o.notes[i].label })),
      ),
    ),
  );
  const group = h('div', { class: 'nhsuk-form-group' }, fieldset);
  let shown = null;
  return {
    group,
    input: inputs[0] || null,
    value: () => inputs.filter((i) => i.checked).map((i) => i.value),
    set(keys) {
      for (const i of inputs) i.checked = keys.includes(i.value);
    },
    setError(message) {
      shown?.remove();
      shown = null;
      group.classList.toggle('nhsuk-form-group--error', Boolean(message));
      if (message) {
        shown = h('span', { class: 'nhsuk-error-message', id: `${o.id}-error` }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
        (hint || legend).after(shown);
      }
      const ids = [hintId, message ? `${o.id}-error` : null].filter(Boolean).join(' ');
      if (ids) fieldset.setAttribute('aria-describedby', ids);
      else fieldset.removeAttribute('aria-describedby');
    },
    onChange(fn) {
      for (const i of inputs) i.addEventListener('change', fn);
    },
  };
}

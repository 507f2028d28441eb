// NHS.UK form pieces built with text nodes only: text inputs, password inputs with a
// Show/Hide button, a single "I accept" checkbox, radios, selects, textareas, the error
// summary, and the success notification banner.
// Each field helper returns { group, input, setError(message|null) } so a page can mark errors.
import { h } from './dom.js';

/**
 * @typedef {object} Field
 * @property {HTMLElement} group the .nhsuk-form-group
 * @property {HTMLElement} input the element an error summary link points to (and focuses)
 * @property {(message: string|null) => void} setError show or clear the field's error message
 * @property {() => string} value
 */

function describedBy(...ids) {
  const list = ids.filter(Boolean).join(' ');
  return list || null;
}

/** The NHS.UK error message span for a field. */
function errorMessage(id, message) {
  return h('span', { class: 'nhsuk-error-message', id }, h('span', { class: 'nhsuk-u-visually-hidden', text: 'Error: ' }), message);
}

/**
 * Wire up error display for a form group: the message goes right after `anchor` (the label,
 * hint or legend), the group and control get their error classes, aria-describedby follows.
 */
function errorHandling({ group, anchor, control, controlErrorClass, describeTarget, hintId, errorId }) {
  let shown = null;
  return (message) => {
    shown?.remove();
    shown = null;
    if (message) {
      shown = errorMessage(errorId, message);
      anchor.after(shown);
      group.classList.add('nhsuk-form-group--error');
      if (controlErrorClass) control.classList.add(controlErrorClass);
    } else {
      group.classList.remove('nhsuk-form-group--error');
      if (controlErrorClass) control.classList.remove(controlErrorClass);
    }
    const target = describeTarget || control;
    const ids = describedBy(hintId, message ? errorId : null);
    if (ids) target.setAttribute('aria-describedby', ids);
    else target.removeAttribute('aria-describedby');
  };
}

/** A hint: a string, or nodes (several paragraphs). */
function hintBlock(id, hint) {
  if (hint === null || hint === undefined || hint === '') return null;
  return h('div', { class: 'nhsuk-hint', id }, ...(Array.isArray(hint) ? hint : [hint]));
}

/**
 * A text input.
 * @param {{id: string, label: string, hint?: any, type?: string, autocomplete?: string,
 *   spellcheck?: boolean, width?: number, labelClass?: string, attrs?: Record<string, any>, value?: string}} o
 * @returns {Field}
 */
export function textField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const label = h('label', { class: `nhsuk-label${o.labelClass ? ` ${o.labelClass}` : ''}`, for: o.id, text: o.label });
  const hint = hintBlock(hintId, o.hint);
  const input = h('input', {
    class: `nhsuk-input${o.width ? ` nhsuk-input--width-${o.width}` : ''}`,
    id: o.id,
    name: o.id,
    type: o.type || 'text',
    autocomplete: o.autocomplete,
    spellcheck: o.spellcheck === undefined ? null : String(o.spellcheck),
    'aria-describedby': hintId,
    ...(o.attrs || {}),
  });
  if (o.value) input.value = o.value;
  const group = h('div', { class: 'nhsuk-form-group' }, label, hint, input);
  const setError = errorHandling({ group, anchor: hint || label, control: input, controlErrorClass: 'nhsuk-input--error', hintId, errorId: `${o.id}-error` });
  return { group, input, setError, value: () => input.value };
}

/**
 * A password input with the NHS.UK Show/Hide button.
 * @param {{id: string, label: string, hint?: any, autocomplete: string}} o
 * @returns {Field}
 */
export function passwordField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const label = h('label', { class: 'nhsuk-label', for: o.id, text: o.label });
  const hint = hintBlock(hintId, o.hint);
  const input = h('input', {
    class: 'nhsuk-input nhsuk-password-input__input',
    id: o.id,
    name: o.id,
    type: 'password',
    spellcheck: 'false',
    autocomplete: o.autocomplete,
    autocapitalize: 'none',
    'aria-describedby': hintId,
  });
  const toggle = h('button', {
    class: 'nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-password-input__toggle',
    type: 'button',
    'aria-controls': o.id,
    'aria-label': `Show ${o.label.toLowerCase()}`,
    text: 'Show',
  });
  toggle.addEventListener('click', () => {
    const show = input.type === 'password';
    input.type = show ? 'text' : 'password';
    toggle.textContent = show ? 'Hide' : 'Show';
    toggle.setAttribute('aria-label', `${show ? 'Hide' : 'Show'} ${o.label.toLowerCase()}`);
  });
  const group = h(
    'div',
    { class: 'nhsuk-form-group nhsuk-password-input' },
    label,
    hint,
    h('div', { class: 'nhsuk-input-wrapper' }, input, toggle),
  );
  const setError = errorHandling({ group, anchor: hint || label, control: input, controlErrorClass: 'nhsuk-input--error', hintId, errorId: `${o.id}-error` });
  return {
    group,
    input,
    setError,
    value: () => input.value,
    /** Hide the password again and empty the field (after a failed sign-in, for example). */
    clear() {
      input.value = '';
      input.type = 'password';
      toggle.textContent = 'Show';
      toggle.setAttribute('aria-label', `Show ${o.label.toLowerCase()}`);
    },
  };
}

/**
 * One checkbox in a fieldset (for example "I accept the guidelines").
 * @param {{id: string, legend: string, label: string, hint?: any, legendClass?: string}} o
 */
export function singleCheckbox(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const legend = h('legend', { class: `nhsuk-fieldset__legend${o.legendClass ? ` ${o.legendClass}` : ' nhsuk-fieldset__legend--s'}`, text: o.legend });
  const hint = hintBlock(hintId, o.hint);
  const input = h('input', { class: 'nhsuk-checkboxes__input', id: o.id, name: o.id, type: 'checkbox', value: 'yes' });
  const fieldset = h(
    'fieldset',
    { class: 'nhsuk-fieldset', 'aria-describedby': hintId },
    legend,
    hint,
    h(
      'div',
      { class: 'nhsuk-checkboxes' },
      h('div', { class: 'nhsuk-checkboxes__item' }, input, h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: o.id, text: o.label })),
    ),
  );
  const group = h('div', { class: 'nhsuk-form-group' }, fieldset);
  const setError = errorHandling({ group, anchor: hint || legend, control: input, describeTarget: fieldset, hintId, errorId: `${o.id}-error` });
  return { group, input, setError, value: () => (input.checked ? 'yes' : '') };
}

/**
 * Radios in a fieldset.
 * @param {{id: string, legend: string, legendClass?: string, hint?: any,
 *   options: {value: string, label: string, hint?: string}[], checked?: string}} o
 */
export function radiosField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const legend = h('legend', { class: `nhsuk-fieldset__legend ${o.legendClass || 'nhsuk-fieldset__legend--s'}`, text: o.legend });
  const hint = hintBlock(hintId, o.hint);
  const inputs = [];
  const items = o.options.map((opt, i) => {
    const inputId = i === 0 ? o.id : `${o.id}-${i + 1}`;
    const itemHintId = opt.hint ? `${inputId}-item-hint` : null;
    const input = h('input', {
      class: 'nhsuk-radios__input',
      id: inputId,
      name: o.id,
      type: 'radio',
      value: opt.value,
      'aria-describedby': itemHintId,
    });
    if (opt.value === o.checked) input.checked = true;
    inputs.push(input);
    return h(
      'div',
      { class: 'nhsuk-radios__item' },
      input,
      h('label', { class: 'nhsuk-label nhsuk-radios__label', for: inputId, text: opt.label }),
      opt.hint ? h('div', { class: 'nhsuk-hint nhsuk-radios__hint', id: itemHintId, text: opt.hint }) : null,
    );
  });
  const fieldset = h('fieldset', { class: 'nhsuk-fieldset', 'aria-describedby': hintId }, legend, hint, h('div', { class: 'nhsuk-radios' }, items));
  const group = h('div', { class: 'nhsuk-form-group' }, fieldset);
  const setError = errorHandling({ group, anchor: hint || legend, control: inputs[0], describeTarget: fieldset, hintId, errorId: `${o.id}-error` });
  return { group, input: inputs[0], setError, value: () => inputs.find((i) => i.checked)?.value ?? '' };
}

/**
 * A select.
 * @param {{id: string, label: string, hint?: any, options: {value: string, label: string}[], selected?: string}} o
 */
export function selectField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const label = h('label', { class: 'nhsuk-label', for: o.id, text: o.label });
  const hint = hintBlock(hintId, o.hint);
  const select = h(
    'select',
    { class: 'nhsuk-select', id: o.id, name: o.id, 'aria-describedby': hintId },
    o.options.map((opt) => h('option', { value: opt.value, selected: opt.value === o.selected, text: opt.label })),
  );
  const group = h('div', { class: 'nhsuk-form-group' }, label, hint, select);
  const setError = errorHandling({ group, anchor: hint || label, control: select, controlErrorClass: 'nhsuk-select--error', hintId, errorId: `${o.id}-error` });
  return { group, input: select, setError, value: () => select.value };
}

/**
 * A textarea.
 * @param {{id: string, label: string, hint?: any, rows?: number, maxLength?: number}} o
 */
export function textareaField(o) {
  const hintId = o.hint ? `${o.id}-hint` : null;
  const label = h('label', { class: 'nhsuk-label', for: o.id, text: o.label });
  const hint = hintBlock(hintId, o.hint);
  const textarea = h('textarea', {
    class: 'nhsuk-textarea',
    id: o.id,
    name: o.id,
    rows: String(o.rows || 3),
    'aria-describedby': hintId,
  });
  const group = h('div', { class: 'nhsuk-form-group' }, label, hint, textarea);
  const setError = errorHandling({ group, anchor: hint || label, control: textarea, controlErrorClass: 'nhsuk-textarea--error', hintId, errorId: `${o.id}-error` });
  return { group, input: textarea, setError, value: () => textarea.value };
}

/**
 * The NHS.UK error summary. Show it with `show(errors)`: it appears where `container` puts it,
 * lists each error (linked to its field when there is one), and takes the focus so screen
 * readers announce it. `show([])` hides it.
 */
export function errorSummary() {
  const list = h('ul', { class: 'nhsuk-list nhsuk-error-summary__list' });
  const element = h(
    'div',
    { class: 'nhsuk-error-summary', tabindex: '-1', hidden: true },
    h(
      'div',
      { role: 'alert' },
      h('h2', { class: 'nhsuk-error-summary__heading', text: 'There is a problem' }),
      h('div', { class: 'nhsuk-error-summary__body' }, list),
    ),
  );
  // Links go to the field (and its label) without changing the address.
  list.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href^="#"]') : null;
    if (!link) return;
    const target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) return;
    event.preventDefault();
    const legendOrLabel =
      target.closest('fieldset')?.querySelector('legend') || document.querySelector(`label[for="${CSS.escape(target.id)}"]`) || target;
    legendOrLabel.scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
  return {
    element,
    /** @param {{message: string, field?: HTMLElement|null}[]} errors */
    show(errors) {
      list.replaceChildren(
        ...errors.map((e) => h('li', {}, e.field?.id ? h('a', { href: `#${e.field.id}`, text: e.message }) : e.message)),
      );
      element.hidden = errors.length === 0;
      if (errors.length) element.focus();
    },
  };
}

/**
 * The NHS.UK success notification banner.
 * @param {{title?: string, heading: string, body?: string|string[], id?: string}} o
 */
export function successBanner(o) {
  const titleId = o.id ? `${o.id}-title` : 'success-banner-title';
  const body = o.body === undefined ? [] : Array.isArray(o.body) ? o.body : [o.body];
  return h(
    'div',
    {
      class: 'nhsuk-notification-banner nhsuk-notification-banner--success',
      role: 'alert',
      'aria-labelledby': titleId,
      id: o.id,
    },
    h('div', { class: 'nhsuk-notification-banner__header' }, h('h2', { class: 'nhsuk-notification-banner__title', id: titleId, text: o.title || 'Success' })),
    h(
      'div',
      { class: 'nhsuk-notification-banner__content' },
      h('p', { class: 'nhsuk-notification-banner__heading', text: o.heading }),
      body.map((text) => h('p', { text })),
    ),
  );
}

/** Turn a submit button into a "please wait" state while a request runs. */
export function busy(button, isBusy, busyText) {
  if (isBusy) {
    button.dataset.label = button.textContent;
    button.textContent = busyText;
    button.disabled = true;
    button.setAttribute('aria-disabled', 'true');
  } else {
    if (button.dataset.label) button.textContent = button.dataset.label;
    button.disabled = false;
    button.removeAttribute('aria-disabled');
  }
}

/**
 * A field for a 6-digit code from an authenticator app: a number keypad on phones, and the
 * browser's one-time-code autofill. (A text input, not type=number: codes can start with 0.)
 * @param {{id: string, label: string, hint?: any, labelClass?: string}} o
 * @returns {Field}
 */
export function oneTimeCodeField(o) {
  return textField({
    id: o.id,
    label: o.label,
    labelClass: o.labelClass,
    hint: o.hint,
    autocomplete: 'one-time-code',
    spellcheck: false,
    width: 10,
    attrs: { inputmode: 'numeric', autocapitalize: 'none', maxlength: '16' },
  });
}

/** The digits of a typed code, with spaces and dashes taken out ("123 456" is "123456"). */
export function codeDigits(value) {
  return String(value ?? '').replace(/[\s-]/g, '');
}

// /resources/edit?id=<id> (change) or ?network=<slug> (add): staff of the network write a
// resource: an article, a video (YouTube or Vimeo link, with a transcript), a leaflet or a service.
import { ApiError, getJson, request } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash } from '../flash.js';
import { busy, errorSummary, radiosField, textField, textareaField } from '../forms.js';
import { contentNotes, noteCheckboxes } from '../content-notes.js';
import { chooseNetwork, isStaffOf, rememberNetwork } from '../networks.js';
import { breadcrumbs, list, str } from '../post-view.js';
import { KINDS } from './resources.js';
import { idParam, loadingLine, showProblem, startPage } from './content-common.js';
import { whenSignedIn } from './common.js';

const AUDIENCES = [
  { value: 'everyone', label: 'Everyone in the community' },
  { value: 'members', label: 'Members' },
  { value: 'carers', label: 'Carers and relatives' },
];

export const resourceEditPage = {
  title: 'Add a resource',
  render(main, ctx) {
    const summary = errorSummary();
    const page = startPage(main, ctx, { title: 'Add a resource', before: [summary.element] });
    const id = idParam(ctx.url);
    whenSignedIn(ctx, page.area, (session) => {
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      const loading = id ? getJson(`/resources/${id}`, { signal: ctx.signal }).then((d) => d?.resource || {}) : Promise.resolve(null);
      Promise.all([loading, contentNotes().catch(() => [])])
        .then(([resource, notes]) => {
          if (ctx.signal.aborted) return;
          const network = resource ? str(resource.network) : chooseNetwork(session, ctx.url)?.slug;
          if (!network || !isStaffOf(session, network)) {
            setChildren(page.area, h('p', { text: 'Only staff of this community can add or change resources.' }));
            return;
          }
          rememberNetwork(network);
          showForm(page, summary, network, resource, notes);
        })
        .catch((err) => showProblem(page, err, { what: 'this resource', notFoundTitle: 'Resource not found', back: { href: '/resources', text: 'Back to resources' } }));
    });
  },
};

function showForm(page, summary, network, r, notes) {
  const { ctx, area, heading } = page;
  const title = r ? `Change \u201c${str(r.title)}\u201d` : 'Add a resource';
  heading.textContent = title;
  ctx.setTitle(r ? 'Change a resource' : 'Add a resource');
  page.top.prepend(breadcrumbs([{ href: `/resources?network=${encodeURIComponent(network)}`, text: 'Resources' }]));
  const kind = radiosField({ id: 'res-kind', legend: 'Type of resource', options: KINDS.map((k) => ({ value: k.value, label: k.label })), checked: str(r?.kind) || 'article' });
  const titleF = textField({ id: 'res-title', label: 'Title', hint: 'Between 3 and 200 characters.', value: str(r?.title), attrs: { maxlength: '400' } });
  const summaryF = textareaField({ id: 'res-summary', label: 'Summary', hint: 'One or two sentences shown on the card (up to 500 characters).', rows: 2 });
  summaryF.input.value = str(r?.summary);
  const url = textField({ id: 'res-url', label: 'Link', hint: 'For a video: a YouTube or Vimeo link. For a leaflet or service: its web address, starting https://', type: 'url', spellcheck: false, value: str(r?.url) || str(r?.video?.url) });
  const body = textareaField({ id: 'res-body', label: 'Text', hint: 'Markdown: blank lines between paragraphs, "- " for lists, [text](https://...) for links.', rows: 12 });
  body.input.value = str(r?.body);
  const transcript = textareaField({ id: 'res-transcript', label: 'Transcript', hint: 'Videos need a transcript, for people who cannot or prefer not to watch.', rows: 8 });
  transcript.input.value = str(r?.transcript);
  const topics = textField({ id: 'res-topics', label: 'Topics', hint: 'Separated by commas, for example: sleep, anxiety', value: list(r?.topics).join(', ') });
  const audienceInputs = AUDIENCES.map((a, i) => {
    const input = h('input', { class: 'nhsuk-checkboxes__input', id: i ? `res-audience-${a.value}` : 'res-audience', name: 'res-audience', type: 'checkbox', value: a.value });
    input.checked = r ? list(r.audiences).includes(a.value) : a.value === 'everyone';
    return h('div', { class: 'nhsuk-checkboxes__item' }, input, h('label', { class: 'nhsuk-label nhsuk-checkboxes__label', for: input.id, text: a.label }));
  });
  const audience = h('div', { class: 'nhsuk-form-group' }, h('fieldset', { class: 'nhsuk-fieldset' }, h('legend', { class: 'nhsuk-fieldset__legend nhsuk-fieldset__legend--s', text: 'Who is it for?' }), h('div', { class: 'nhsuk-checkboxes' }, audienceInputs)));
  const noteBoxes = notes.length ? noteCheckboxes({ id: 'res-notes', legend: 'Content notes (optional)', notes, checked: list(r?.content_notes).map((n) => n.key) }) : null;
  const submit = h('button', { class: 'nhsuk-button', type: 'submit', text: r ? 'Save changes' : 'Add resource' });
  const form = h('form', { novalidate: true, id: 'resource-form' }, kind.group, titleF.group, summaryF.group, url.group, body.group, transcript.group, topics.group, audience, noteBoxes?.group, submit);
  const sync = () => {
    const k = kind.value();
    url.group.hidden = k === 'article' && !url.value();
    transcript.group.hidden = k !== 'video';
  };
  form.addEventListener('change', sync);
  sync();
  const fields = { title: titleF, summary: summaryF, url, body, transcript, topics };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const f of Object.values(fields)) f.setError(null);
    const errors = [];
    const n = [...titleF.value().trim()].length;
    if (n < 3 || n > 200) errors.push({ f: titleF, message: n < 3 ? 'Enter a title of at least 3 characters' : 'The title must be 200 characters or fewer' });
    if ([...summaryF.value().trim()].length > 500) errors.push({ f: summaryF, message: 'The summary must be 500 characters or fewer' });
    if (kind.value() !== 'article' && !/^https?:\/\//i.test(url.value().trim())) errors.push({ f: url, message: 'Enter a link starting https://' });
    for (const e of errors) e.f.setError(e.message);
    summary.show(errors.map((e) => ({ field: e.f.input, message: e.message })));
    if (errors.length) return;
    const payload = {
      kind: kind.value(),
      title: titleF.value().trim(),
      summary: summaryF.value().trim(),
      body: body.value().trim(),
      url: url.value().trim() || null,
      transcript: kind.value() === 'video' ? transcript.value().trim() : '',
      topics: topics.value().split(',').map((t) => t.trim()).filter(Boolean),
      audiences: [...form.querySelectorAll('input[name="res-audience"]:checked')].map((i) => i.value),
      content_notes: noteBoxes ? noteBoxes.value() : [],
    };
    busy(submit, true, 'Saving\u2026');
    try {
      const reply = r ? await request('PUT', `/resources/${r.id}`, { body: payload }) : await request('POST', `/networks/${encodeURIComponent(network)}/resources`, { body: payload });
      setFlash(r ? 'The resource is saved.' : 'The resource is added.', undefined);
      ctx.navigate(reply?.resource?.id ? `/resources/item?id=${reply.resource.id}` : `/resources?network=${encodeURIComponent(network)}`);
    } catch (err) {
      busy(submit, false);
      const code = err instanceof ApiError ? err.code : '';
      const field = ['video_host_not_allowed', 'invalid_url'].includes(code) ? url : /title/i.test(err?.message || '') ? titleF : /summary/i.test(err?.message || '') ? summaryF : /transcript/i.test(err?.message || '') ? transcript : null;
      field?.setError(err?.message);
      summary.show([{ field: field?.input || null, message: err?.message || 'We could not save the resource. Please try again.' }]);
    }
  });
  setChildren(area, form);
}

// /resources/item?id=<id>: one resource. Articles show their text; videos play only when the
// person presses "Play video" (nothing loads from the video site before that), with the
// transcript below; leaflets and services link out.
import { deleteJson, getJson } from '../api.js';
import { h, setChildren } from '../dom.js';
import { setFlash, takeFlashBanner } from '../flash.js';
import { busy } from '../forms.js';
import { isStaffOf, rememberNetwork } from '../networks.js';
import { breadcrumbs, details, list, serverHtml, str, tag } from '../post-view.js';
import { formatDateTime } from './common.js';
import { audienceTags, kindLabel } from './resources.js';
import { idParam, loadingLine, showProblem, startPage } from './content-common.js';
import { whenSignedIn } from './common.js';

// Only these players are embedded (the server builds embed_url; checked again here).
const EMBED_RE = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{6,20}|player\.vimeo\.com\/video\/[0-9]{1,12})(\?[A-Za-z0-9_=&.-]*)?$/;
const PROVIDERS = { youtube: 'YouTube', vimeo: 'Vimeo' };

export const resourceItemPage = {
  title: 'Resource',
  render(main, ctx) {
    const page = startPage(main, ctx, { title: 'Resource', before: [takeFlashBanner()] });
    const id = idParam(ctx.url);
    whenSignedIn(ctx, page.area, (session) => {
      if (id === null) return showProblem(page, { status: 404 }, { what: 'this resource' });
      page.area.replaceChildren(loadingLine('Loading\u2026'));
      getJson(`/resources/${id}`, { signal: ctx.signal })
        .then((data) => show(page, session, data?.resource || {}))
        .catch((err) => showProblem(page, err, { what: 'this resource', notFoundTitle: 'Resource not found', back: { href: '/resources', text: 'Back to resources' } }));
    });
  },
};

function videoBlock(r) {
  const v = r.video && typeof r.video === 'object' ? r.video : null;
  const embed = str(v?.embed_url);
  if (!v || !EMBED_RE.test(embed)) return str(r.url) ? outLink(r.url, 'Watch the video on its website') : null;
  const provider = PROVIDERS[v.provider] || 'the video website';
  const frame = h('div', { class: 'harbour-video', id: 'video-area' });
  const play = h('button', { class: 'nhsuk-button', type: 'button', id: 'video-play', text: 'Play video' });
  play.addEventListener('click', () => {
    const iframe = h('iframe', {
      class: 'harbour-video__frame',
      src: embed,
      title: `Video: ${str(r.title)}`,
      allow: 'fullscreen; picture-in-picture',
      allowfullscreen: true,
      referrerpolicy: 'strict-origin',
      sandbox: 'allow-scripts allow-same-origin allow-presentation allow-popups',
      loading: 'lazy',
    });
    frame.replaceChildren(iframe);
    iframe.focus();
  });
  frame.append(
    h('p', { class: 'harbour-video__notice', text: `This video is played from ${provider}. Nothing is loaded from ${provider} until you press Play video.` }),
    play,
  );
  return frame;
}

function outLink(url, text) {
  if (!/^https?:\/\//i.test(str(url))) return null;
  return h('p', {}, h('a', { class: 'harbour-out-link', href: url, rel: 'noopener noreferrer', target: '_blank', id: 'resource-link' }, text, h('span', { class: 'nhsuk-u-visually-hidden', text: ' (opens in a new tab)' })));
}

function show(page, session, r) {
  const { ctx, area, heading } = page;
  if (ctx.signal.aborted) return;
  const network = str(r.network);
  rememberNetwork(network);
  heading.textContent = str(r.title) || 'Resource';
  ctx.setTitle(str(r.title) || 'Resource');
  page.top.prepend(breadcrumbs([{ href: `/resources?network=${encodeURIComponent(network)}`, text: 'Resources' }]));
  const notes = list(r.content_notes).filter((n) => n && str(n.label));
  const transcript = str(r.transcript_html) ? serverHtml(r.transcript_html, 'harbour-transcript') : str(r.transcript) ? h('div', { class: 'harbour-transcript' }, str(r.transcript).split(/\n\s*\n/).map((p) => h('p', { text: p.trim() }))) : null;
  const parts = [
    h('p', { class: 'harbour-resource__tags' }, tag(kindLabel(r.kind), 'white'), ' ', audienceTags(r).map((t) => [t, ' ']), list(r.topics).map((t) => [tag(String(t), 'grey'), ' '])),
    str(r.summary) ? h('p', { class: 'nhsuk-lede-text', text: r.summary }) : null,
    notes.length ? h('p', {}, 'Content notes: ', notes.map((n, i) => [i ? ', ' : '', n.label])) : null,
  ];
  if (r.kind === 'video') parts.push(videoBlock(r));
  if (str(r.body_html)) parts.push(serverHtml(r.body_html, 'harbour-resource__body'));
  if (r.kind === 'video' && transcript) parts.push(details('Read the transcript', transcript, { class: 'nhsuk-details', id: 'transcript' }));
  if (r.kind === 'leaflet') parts.push(outLink(r.url, 'Open the leaflet'));
  if (r.kind === 'service') parts.push(outLink(r.url, 'Visit the service\u2019s website'));
  if (r.kind === 'article' && str(r.url)) parts.push(outLink(r.url, 'Read more on the original website'));
  const updated = formatDateTime(r.updated_at || r.created_at);
  if (updated) parts.push(h('p', { class: 'nhsuk-body-s harbour-muted-text', text: `Last updated ${updated}` }));
  if (isStaffOf(session, network)) parts.push(staffActions(page, r));
  setChildren(area, ...parts);
}

function staffActions(page, r) {
  const { ctx } = page;
  const confirm = h('div');
  const remove = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', id: 'resource-remove', text: 'Remove this resource' });
  remove.addEventListener('click', () => {
    const yes = h('button', { class: 'nhsuk-button nhsuk-button--warning', type: 'button', id: 'resource-remove-yes', text: 'Yes, remove it' });
    const no = h('button', { class: 'nhsuk-button nhsuk-button--secondary', type: 'button', text: 'Cancel' });
    const problem = h('p', { class: 'nhsuk-error-message harbour-inline-problem', role: 'alert' });
    const q = h('h3', { class: 'nhsuk-heading-s', tabindex: '-1', text: `Remove \u201c${str(r.title)}\u201d for everyone?` });
    no.addEventListener('click', () => {
      confirm.replaceChildren();
      remove.focus();
    });
    yes.addEventListener('click', async () => {
      busy(yes, true, 'Removing\u2026');
      try {
        await deleteJson(`/resources/${r.id}`);
        setFlash('The resource is removed.', undefined);
        ctx.navigate(`/resources?network=${encodeURIComponent(str(r.network))}`);
      } catch (err) {
        busy(yes, false);
        problem.textContent = err?.message || 'We could not remove it. Please try again.';
      }
    });
    confirm.replaceChildren(q, problem, h('div', { class: 'nhsuk-button-group' }, yes, no));
    q.focus();
  });
  return h(
    'section',
    { class: 'harbour-staff-tools', 'aria-labelledby': 'resource-staff-heading' },
    h('h2', { class: 'nhsuk-heading-s', id: 'resource-staff-heading', text: 'Staff' }),
    h('div', { class: 'nhsuk-button-group' }, h('a', { class: 'nhsuk-button', href: `/resources/edit?id=${r.id}`, id: 'resource-edit', draggable: 'false', text: 'Edit this resource' }), remove),
    confirm,
  );
}

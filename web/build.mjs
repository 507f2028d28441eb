// Builds the Harbour web client into web/dist:
//   app.js (+ app.js.map)   src/main.js and its imports, bundled and minified by esbuild
//   app.css (+ app.css.map) NHS.UK frontend CSS + src/harbour.css, bundled by esbuild; the
//                           Frutiger @font-face rules (fonts on assets.nhs.uk) are removed, so
//                           text falls back to Arial as NHS.UK does; icons are inlined as data: URLs
//   index.html, favicon.svg copied from src/
// The built files must not reference any other host: the server's CSP allows only 'self'.
// The build fails if they do.
//
// Usage: npm run build            (or: node build.mjs)
import { copyFile, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const src = path.join(here, 'src');
const dist = path.join(here, 'dist');

/** Remove @font-face rules (external font files) from the NHS.UK CSS. */
function stripFontFaces(css) {
  return css.replace(/@font-face\s*\{[^}]*\}/g, '');
}

/** esbuild plugin: load the NHS.UK CSS without its web fonts and with icon URLs made relative. */
const nhsukCss = {
  name: 'nhsuk-css',
  setup(build) {
    build.onLoad({ filter: /nhsuk-frontend[\\/]dist[\\/]nhsuk[\\/]nhsuk-frontend\.css$/ }, async (args) => {
      let css = await readFile(args.path, 'utf8');
      css = stripFontFaces(css);
      // "/assets/images/x.svg" is where NHS.UK hosts them; here they sit beside the CSS file
      // (dist/nhsuk/assets/images) and esbuild inlines them.
      css = css.replace(/url\((["']?)\/assets\//g, 'url($1./assets/');
      css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\//g, '');
      return { contents: css, loader: 'css', resolveDir: path.dirname(args.path) };
    });
  },
};

async function buildJs() {
  await esbuild.build({
    entryPoints: { app: path.join(src, 'main.js') },
    outdir: dist,
    bundle: true,
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'linked',
    logLevel: 'warning',
  });
}

async function buildCss() {
  await esbuild.build({
    stdin: {
      contents: '@import "nhsuk-frontend/dist/nhsuk/nhsuk-frontend.css";\n@import "./harbour.css";\n',
      resolveDir: src,
      sourcefile: 'app.css',
      loader: 'css',
    },
    outfile: path.join(dist, 'app.css'),
    bundle: true,
    minify: true,
    sourcemap: 'linked',
    loader: { '.svg': 'dataurl', '.png': 'dataurl' },
    plugins: [nhsukCss],
    logLevel: 'warning',
  });
}

/** Fail the build if CSS or HTML would make the browser fetch from another origin. */
async function checkNoExternalReferences() {
  const problems = [];
  const css = await readFile(path.join(dist, 'app.css'), 'utf8');
  for (const m of css.matchAll(/url\(\s*(["']?)([^"')]*)\1\s*\)/g)) {
    const ref = m[2];
    if (ref.startsWith('data:')) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) problems.push(`app.css: url(${ref})`);
  }
  if (/@import/i.test(css)) problems.push('app.css: @import left in the bundle');
  if (/@font-face/i.test(css)) problems.push('app.css: @font-face left in the bundle');
  if (/assets\.nhs\.uk/i.test(css)) problems.push('app.css: mentions assets.nhs.uk');

  const html = await readFile(path.join(dist, 'index.html'), 'utf8');
  for (const m of html.matchAll(/<(script|link|img|iframe|source|video|audio)\b[^>]*\b(src|href)\s*=\s*["']([^"']*)["']/gi)) {
    const ref = m[3];
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) problems.push(`index.html: <${m[1]} ${m[2]}="${ref}">`);
  }
  if (/<style\b|\sstyle\s*=|<script(?![^>]*\bsrc=)[^>]*>/i.test(html)) problems.push('index.html: inline style or script');

  if (problems.length) {
    throw new Error(`The built files reference other hosts or break the CSP:\n  ${problems.join('\n  ')}`);
  }
}

async function main() {
  const started = Date.now();
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  await Promise.all([buildJs(), buildCss()]);
  await copyFile(path.join(src, 'index.html'), path.join(dist, 'index.html'));
  await copyFile(path.join(src, 'favicon.svg'), path.join(dist, 'favicon.svg'));
  await checkNoExternalReferences();
  const files = (await readdir(dist)).sort();
  console.log(`web/dist built in ${Date.now() - started} ms: ${files.join(', ')}`);
}

main().catch((err) => {
  console.error(err?.message || err);
  process.exit(1);
});

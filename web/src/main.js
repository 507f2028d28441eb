// Harbour web client: entry point.
import { installQuickExit } from './quick-exit.js';
import { Router } from './router.js';
import { homePage } from './pages/home.js';
import { accessibilityPage, privacyPage } from './pages/info.js';
import { notFoundPage } from './pages/not-found.js';
import { urgentHelpPage } from './pages/urgent-help.js';

function installSkipLink() {
  // Move focus to <main> (not just scroll), so the next Tab starts inside the content.
  const skip = document.getElementById('skip-link');
  const main = document.getElementById('maincontent');
  skip?.addEventListener('click', (event) => {
    event.preventDefault();
    main?.focus();
  });
}

function boot() {
  document.body.classList.add('js-enabled', 'nhsuk-frontend-supported');
  installQuickExit();
  installSkipLink();
  const main = document.getElementById('maincontent');
  if (!main) return;
  const router = new Router(
    main,
    {
      '/': homePage,
      '/urgent-help': urgentHelpPage,
      '/accessibility': accessibilityPage,
      '/privacy': privacyPage,
    },
    notFoundPage,
  );
  router.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();

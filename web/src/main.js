// Harbour web client: entry point.
import { installAccountHeader } from './header.js';
import { installQuickExit } from './quick-exit.js';
import { Router } from './router.js';
import { refreshSession } from './session.js';
import { accountPage } from './pages/account.js';
import { accountDataPage } from './pages/account-data.js';
import { adminAuditPage } from './pages/admin-audit.js';
import { adminUserPage, adminUsersPage } from './pages/admin-users.js';
import { accountTwoStepPage } from './pages/account-two-step.js';
import { homePage } from './pages/home.js';
import { accessibilityPage, privacyPage } from './pages/info.js';
import { joinPage } from './pages/join.js';
import { notFoundPage } from './pages/not-found.js';
import { signInPage } from './pages/sign-in.js';
import { signInTwoStepPage } from './pages/sign-in-two-step.js';
import { staffInvitationsPage } from './pages/staff-invitations.js';
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
  // Who is signed in: asked once now (and again after signing in or out).
  refreshSession();
  let header = null;
  const router = new Router(
    main,
    {
      '/': homePage,
      '/urgent-help': urgentHelpPage,
      '/accessibility': accessibilityPage,
      '/privacy': privacyPage,
      '/join': joinPage,
      '/sign-in': signInPage,
      '/sign-in/two-step': signInTwoStepPage,
      '/account': accountPage,
      '/account/two-step': accountTwoStepPage,
      '/staff/invitations': staffInvitationsPage,
      '/account/data': accountDataPage,
      '/admin/users': adminUsersPage,
      '/admin/users/:id': adminUserPage,
      '/admin/audit': adminAuditPage,
    },
    notFoundPage,
    { onShow: () => header?.update() },
  );
  header = installAccountHeader(router);
  router.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();

// Harbour web client: entry point.
import { installAccountHeader, installContentNav } from './header.js';
import { installQuickExit } from './quick-exit.js';
import { Router } from './router.js';
import { refreshSession } from './session.js';
import { accountPage } from './pages/account.js';
import { accountDataPage } from './pages/account-data.js';
import { adminAuditPage } from './pages/admin-audit.js';
import { adminModerationSettingsPage } from './pages/admin-moderation-settings.js';
import { adminOfficeHoursPage } from './pages/admin-office-hours.js';
import { adminSpacesPage } from './pages/admin-spaces.js';
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
import { accountMutesPage } from './pages/account-mutes.js';
import { accountPostsPage } from './pages/account-posts.js';
import { accountReadingPage } from './pages/account-reading.js';
import { blogPage } from './pages/blog.js';
import { blogNewPage } from './pages/blog-new.js';
import { blogPostPage } from './pages/blog-post.js';
import { forumCategoryPage } from './pages/forum-category.js';
import { newTopicPage } from './pages/forum-new-topic.js';
import { forumTopicPage } from './pages/forum-topic.js';
import { forumsPage } from './pages/forums.js';
import { casePage } from './pages/case.js';
import { casesPage } from './pages/cases.js';
import { moderationPage } from './pages/moderation.js';
import { moderationDashboardPage } from './pages/moderation-dashboard.js';
import { serviceReportPage } from './pages/service-report.js';
import { accountMessagesPage } from './pages/messages.js';
import { notificationsPage } from './pages/notifications.js';
import { postEditPage } from './pages/post-edit.js';
import { resourceEditPage } from './pages/resource-edit.js';
import { resourceItemPage } from './pages/resource-item.js';
import { resourcesPage } from './pages/resources.js';
import { searchPage } from './pages/search.js';
import { wallPage } from './pages/wall.js';

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
  let contentNav = null;
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
      '/admin/spaces': adminSpacesPage,
      '/admin/moderation-settings': adminModerationSettingsPage,
      '/admin/office-hours': adminOfficeHoursPage,
      '/forums': forumsPage,
      '/forums/category': forumCategoryPage,
      '/forums/topic': forumTopicPage,
      '/forums/new-topic': newTopicPage,
      '/wall': wallPage,
      '/posts/edit': postEditPage,
      '/blog': blogPage,
      '/blog/new': blogNewPage,
      '/blog/post': blogPostPage,
      '/resources': resourcesPage,
      '/resources/item': resourceItemPage,
      '/resources/edit': resourceEditPage,
      '/search': searchPage,
      '/notifications': notificationsPage,
      '/account/reading': accountReadingPage,
      '/account/mutes': accountMutesPage,
      '/account/posts': accountPostsPage,
      '/account/messages': accountMessagesPage,
      '/moderation': moderationPage,
      '/moderation/dashboard': moderationDashboardPage,
      '/service-report': serviceReportPage,
      '/cases': casesPage,
      '/cases/item': casePage,
    },
    notFoundPage,
    {
      onShow: () => {
        header?.update();
        contentNav?.update();
      },
    },
  );
  header = installAccountHeader(router);
  contentNav = installContentNav();
  router.start();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();

#include "store/notification_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

bool exists(Statement& s) {
  const bool found = s.step();
  s.reset();
  return found;
}

bool active_user(Connection& c, std::int64_t user_id) {
  return exists(c.prepare("SELECT 1 FROM users WHERE id = ?1 AND status = 'active'").bind(1, user_id));
}

bool active_key(Connection& c, std::int64_t user_id, std::int64_t network_id) {
  return exists(c.prepare("SELECT 1 FROM memberships WHERE user_id = ?1 AND network_id = ?2 AND status = 'active'")
                    .bind(1, user_id)
                    .bind(2, network_id));
}

bool has_muted(Connection& c, std::int64_t user_id, std::int64_t other) {
  return exists(c.prepare("SELECT 1 FROM mutes WHERE user_id = ?1 AND muted_user_id = ?2").bind(1, user_id).bind(2, other));
}

// The recipient's active membership is joined, so a notification of a network they have left
// (or been suspended from) is never read back. The post must belong to the notification's network
// too: a row that somehow pointed across networks stays invisible.
#define NOTIFICATION_SELECT                                                                               \
  "SELECT n.id, n.user_id, n.network_id, nw.slug, nw.name, n.kind, m.role,"                               \
  " p.id, p.kind, p.state, p.author_id, p.body, p.state_reason, cat.read_mask,"                           \
  " l.id, l.kind, l.title, l.state, l.author_id,"                                                         \
  " n.actor_id, a.pseudonym, n.created_at, n.read_at"                                                     \
  " FROM notifications n"                                                                                 \
  " JOIN memberships m ON m.user_id = n.user_id AND m.network_id = n.network_id AND m.status = 'active'"  \
  " JOIN networks nw ON nw.id = n.network_id"                                                             \
  " JOIN posts p ON p.id = n.post_id AND p.network_id = n.network_id"                                     \
  " JOIN posts l ON l.id = coalesce(p.parent_id, p.id) AND l.network_id = n.network_id"                  \
  " LEFT JOIN categories cat ON cat.id = p.category_id"                                                   \
  " LEFT JOIN users a ON a.id = n.actor_id "

NotificationRow read_notification(Statement& s) {
  NotificationRow r;
  r.id = s.column_int64(0);
  r.user_id = s.column_int64(1);
  r.network_id = s.column_int64(2);
  r.network_slug = s.column_text(3);
  r.network_name = s.column_text(4);
  r.kind = s.column_text(5);
  r.recipient_role = s.column_text(6);
  r.post_id = s.column_int64(7);
  r.post_kind = s.column_text(8);
  r.post_state = s.column_text(9);
  r.post_author_id = s.column_int64(10);
  r.post_body = s.column_text(11);
  r.post_state_reason = s.column_optional_text(12);
  r.read_mask = s.column_optional_int64(13);
  r.link_id = s.column_int64(14);
  r.link_kind = s.column_text(15);
  r.link_title = s.column_optional_text(16);
  r.link_state = s.column_text(17);
  r.link_author_id = s.column_int64(18);
  r.actor_id = s.column_optional_int64(19);
  r.actor_pseudonym = s.column_text(20);
  r.created_at = s.column_text(21);
  r.read_at = s.column_optional_text(22);
  return r;
}

}  // namespace

std::optional<std::int64_t> insert_notification(Connection& c, const NewNotification& n, std::string_view now) {
  if (n.actor_id && *n.actor_id == n.user_id) return std::nullopt;
  if (!active_user(c, n.user_id) || !active_key(c, n.user_id, n.network_id)) return std::nullopt;
  // A mute silences a member; staff are never muted (a moderator's answer must always arrive),
  // even when a mute was set before they became staff.
  if (n.actor_id && has_muted(c, n.user_id, *n.actor_id) && !holds_staff_role(c, *n.actor_id)) return std::nullopt;
  // Only about a post of the same network: a row pointing across networks is never written.
  Statement& s = c.prepare(
      "INSERT INTO notifications (user_id, network_id, kind, post_id, actor_id, created_at)"
      " SELECT ?1, ?2, ?3, ?4, ?5, ?6 FROM posts WHERE id = ?4 AND network_id = ?2");
  s.bind(1, n.user_id).bind(2, n.network_id).bind(3, n.kind).bind(4, n.post_id);
  if (n.actor_id) s.bind(5, *n.actor_id); else s.bind(5, nullptr);
  s.bind(6, now).run();
  if (c.changes() == 0) return std::nullopt;
  return c.last_insert_rowid();
}

std::vector<std::int64_t> muted_user_ids(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare("SELECT muted_user_id FROM mutes WHERE user_id = ?1 ORDER BY muted_user_id");
  s.bind(1, user_id);
  std::vector<std::int64_t> ids;
  while (s.step()) ids.push_back(s.column_int64(0));
  return ids;
}

std::vector<NotificationRow> list_notifications(Connection& c, std::int64_t user_id, std::int64_t before_id, int limit) {
  Statement& s = c.prepare(NOTIFICATION_SELECT "WHERE n.user_id = ?1 AND n.id < ?2 ORDER BY n.id DESC LIMIT ?3");
  s.bind(1, user_id).bind(2, before_id).bind(3, limit);
  std::vector<NotificationRow> rows;
  while (s.step()) rows.push_back(read_notification(s));
  return rows;
}

std::optional<NotificationRow> find_notification(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(NOTIFICATION_SELECT "WHERE n.id = ?1");
  s.bind(1, id);
  std::optional<NotificationRow> row;
  if (s.step()) row = read_notification(s);
  s.reset();
  return row;
}

std::int64_t count_unread_notifications(Connection& c, std::int64_t user_id) {
  // Counted only up to the cap: the count goes out live after every notification, and the header
  // shows "99+" past 99 anyway. Index-only (migration 0009): the reader's active memberships, then
  // their unread rows per network. Rows that point at a post of another network are never written
  // (insert_notification), so the list's post join changes nothing here. CROSS JOIN keeps the
  // memberships first (SQLite otherwise starts from the index and looks up a membership per row).
  Statement& s = c.prepare(
      "SELECT count(*) FROM (SELECT 1 FROM memberships m"
      " CROSS JOIN notifications n ON n.user_id = m.user_id AND n.network_id = m.network_id AND n.read_at IS NULL"
      " WHERE m.user_id = ?1 AND m.status = 'active' LIMIT ?2)");
  s.bind(1, user_id).bind(2, kUnreadNotificationsCap);
  const std::int64_t count = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return count;
}

std::int64_t mark_notifications_read(Connection& c, std::int64_t user_id, const std::vector<std::int64_t>& ids,
                                     std::string_view now) {
  std::int64_t changed = 0;
  for (const auto id : ids) {
    c.prepare("UPDATE notifications SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL")
        .bind(1, id).bind(2, user_id).bind(3, now).run();
    changed += c.changes();
  }
  return changed;
}

std::int64_t mark_all_notifications_read(Connection& c, std::int64_t user_id, std::string_view now) {
  c.prepare("UPDATE notifications SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL").bind(1, user_id).bind(2, now).run();
  return c.changes();
}

std::vector<MuteRow> list_mutes(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT mu.muted_user_id, u.pseudonym, mu.created_at FROM mutes mu JOIN users u ON u.id = mu.muted_user_id"
      " WHERE mu.user_id = ?1 ORDER BY mu.created_at, mu.muted_user_id");
  s.bind(1, user_id);
  std::vector<MuteRow> rows;
  while (s.step()) rows.push_back({s.column_int64(0), s.column_text(1), s.column_text(2)});
  return rows;
}

std::optional<MuteRow> find_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id) {
  Statement& s = c.prepare(
      "SELECT mu.muted_user_id, u.pseudonym, mu.created_at FROM mutes mu JOIN users u ON u.id = mu.muted_user_id"
      " WHERE mu.user_id = ?1 AND mu.muted_user_id = ?2");
  s.bind(1, user_id).bind(2, muted_user_id);
  std::optional<MuteRow> row;
  if (s.step()) row = MuteRow{s.column_int64(0), s.column_text(1), s.column_text(2)};
  s.reset();
  return row;
}

bool insert_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id, std::string_view now) {
  c.prepare("INSERT INTO mutes (user_id, muted_user_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING")
      .bind(1, user_id).bind(2, muted_user_id).bind(3, now).run();
  return c.changes() == 1;
}

bool delete_mute(Connection& c, std::int64_t user_id, std::int64_t muted_user_id) {
  c.prepare("DELETE FROM mutes WHERE user_id = ?1 AND muted_user_id = ?2").bind(1, user_id).bind(2, muted_user_id).run();
  return c.changes() == 1;
}

bool shares_network(Connection& c, std::int64_t user_id, std::int64_t other) {
  return exists(c.prepare(
                     "SELECT 1 FROM memberships mine JOIN memberships theirs ON theirs.network_id = mine.network_id"
                     " WHERE mine.user_id = ?1 AND mine.status = 'active' AND theirs.user_id = ?2")
                    .bind(1, user_id)
                    .bind(2, other));
}

bool holds_staff_role(Connection& c, std::int64_t user_id) {
  return exists(c.prepare(
                     "SELECT 1 FROM users WHERE id = ?1 AND is_admin = 1"
                     " UNION ALL SELECT 1 FROM memberships WHERE user_id = ?1"
                     " AND role IN ('volunteer', 'peer_supporter', 'clinician')")
                    .bind(1, user_id));
}

}  // namespace harbour::store

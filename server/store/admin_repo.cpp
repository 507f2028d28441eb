#include "store/admin_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

// `prefix` as a LIKE pattern that matches only itself at the start: % _ and \ are escaped.
std::optional<std::string> like_prefix(std::string_view prefix) {
  if (prefix.empty()) return std::nullopt;
  std::string out;
  out.reserve(prefix.size() + 2);
  for (const char ch : prefix) {
    if (ch == '%' || ch == '_' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('%');
  return out;
}

std::int64_t one_count(Statement& s) {
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

}  // namespace

std::vector<UserSummaryRow> list_users(Connection& c, const UserListQuery& q) {
  Statement& s = c.prepare(
      "SELECT u.id, u.pseudonym, u.status, u.is_admin, u.created_at FROM users u"
      " WHERE u.id < ?1"
      " AND (?2 IS NULL OR EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = u.id AND m.network_id = ?2))"
      " AND (?3 IS NULL OR u.pseudonym LIKE ?3 ESCAPE '\\' OR u.pseudonym_key LIKE ?4 ESCAPE '\\')"
      " AND (?5 IS NULL OR u.status = ?5)"
      " ORDER BY u.id DESC LIMIT ?6");
  s.bind(1, q.before_id);
  if (q.network_id) s.bind(2, *q.network_id); else s.bind(2, nullptr);
  s.bind(3, like_prefix(q.name_prefix));
  s.bind(4, like_prefix(q.key_prefix));
  s.bind(5, q.status);
  s.bind(6, q.limit);
  std::vector<UserSummaryRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_text(1), s.column_text(2), s.column_int64(3) != 0, s.column_text(4)});
  }
  return rows;
}

std::int64_t count_open_sessions(Connection& c, std::int64_t user_id, std::string_view now) {
  Statement& s = c.prepare(
      "SELECT count(*) FROM sessions WHERE user_id = ?1 AND ended_at IS NULL AND absolute_expires_at > ?2");
  s.bind(1, user_id).bind(2, now);
  return one_count(s);
}

std::int64_t count_active_admins(Connection& c) {
  Statement& s = c.prepare("SELECT count(*) FROM users WHERE is_admin = 1 AND status = 'active'");
  return one_count(s);
}

bool set_membership_role(Connection& c, std::int64_t user_id, std::int64_t network_id, std::string_view role) {
  c.prepare("UPDATE memberships SET role = ?3 WHERE user_id = ?1 AND network_id = ?2")
      .bind(1, user_id).bind(2, network_id).bind(3, role).run();
  return c.changes() == 1;
}

std::vector<SessionTimesRow> session_times_of(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT created_at, last_seen_at, absolute_expires_at, second_factor_at, ended_at, end_reason"
      " FROM sessions WHERE user_id = ?1 ORDER BY id");
  s.bind(1, user_id);
  std::vector<SessionTimesRow> rows;
  while (s.step()) {
    rows.push_back({s.column_text(0), s.column_text(1), s.column_text(2), s.column_optional_text(3), s.column_optional_text(4),
                    s.column_optional_text(5)});
  }
  return rows;
}

std::vector<GuidelineAcceptanceRow> guideline_acceptances_of(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT n.slug, n.name, a.version, a.accepted_at FROM guideline_acceptances a"
      " JOIN networks n ON n.id = a.network_id WHERE a.user_id = ?1 ORDER BY a.accepted_at, n.id, a.version");
  s.bind(1, user_id);
  std::vector<GuidelineAcceptanceRow> rows;
  while (s.step()) rows.push_back({s.column_text(0), s.column_text(1), s.column_int64(2), s.column_text(3)});
  return rows;
}

std::vector<InvitationRow> invitations_issued_by(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT i.id, i.network_id, n.slug, n.name, i.role, i.note, i.created_at, i.expires_at, i.used_at, i.revoked_at"
      " FROM invitations i JOIN networks n ON n.id = i.network_id WHERE i.created_by = ?1 ORDER BY i.id");
  s.bind(1, user_id);
  std::vector<InvitationRow> rows;
  while (s.step()) {
    InvitationRow r;
    r.id = s.column_int64(0);
    r.network_id = s.column_int64(1);
    r.network_slug = s.column_text(2);
    r.network_name = s.column_text(3);
    r.role = s.column_text(4);
    r.note = s.column_optional_text(5);
    r.created_by = user_id;
    r.created_at = s.column_text(6);
    r.expires_at = s.column_text(7);
    r.used_at = s.column_optional_text(8);
    r.revoked_at = s.column_optional_text(9);
    rows.push_back(std::move(r));
  }
  return rows;
}

RecoveryCodeCounts recovery_code_counts(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT count(*) FILTER (WHERE used_at IS NULL), count(*) FILTER (WHERE used_at IS NOT NULL)"
      " FROM recovery_codes WHERE user_id = ?1");
  s.bind(1, user_id);
  RecoveryCodeCounts counts;
  if (s.step()) counts = {s.column_int64(0), s.column_int64(1)};
  s.reset();
  return counts;
}

std::int64_t delete_memberships(Connection& c, std::int64_t user_id) {
  c.prepare("DELETE FROM memberships WHERE user_id = ?1").bind(1, user_id).run();
  return c.changes();
}

std::int64_t delete_guideline_acceptances(Connection& c, std::int64_t user_id) {
  c.prepare("DELETE FROM guideline_acceptances WHERE user_id = ?1").bind(1, user_id).run();
  return c.changes();
}

std::int64_t delete_recovery_codes(Connection& c, std::int64_t user_id) {
  c.prepare("DELETE FROM recovery_codes WHERE user_id = ?1").bind(1, user_id).run();
  return c.changes();
}

std::int64_t delete_sessions(Connection& c, std::int64_t user_id) {
  c.prepare("DELETE FROM sessions WHERE user_id = ?1").bind(1, user_id).run();
  return c.changes();
}

void erase_user_row(Connection& c, std::int64_t user_id, std::string_view pseudonym, std::string_view pseudonym_key,
                    std::string_view now) {
  c.prepare(
       "UPDATE users SET pseudonym = ?2, pseudonym_key = ?3, password_hash = NULL, is_admin = 0, status = 'erased',"
       " totp_secret = NULL, totp_enabled = 0, totp_last_step = NULL, failed_signins = 0, locked_until = NULL,"
       " erased_at = ?4 WHERE id = ?1")
      .bind(1, user_id).bind(2, pseudonym).bind(3, pseudonym_key).bind(4, now).run();
}

}  // namespace harbour::store

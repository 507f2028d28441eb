#include "store/invitation_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

// The columns read_invitation() expects; adjacent literals, so every statement is still one literal.
#define INVITATION_SELECT                                                                          \
  "SELECT i.id, i.network_id, n.slug, n.name, i.role, i.note, i.created_by, coalesce(u.pseudonym, '')," \
  " i.created_at, i.expires_at, i.used_at, i.revoked_at"                                             \
  " FROM invitations i JOIN networks n ON n.id = i.network_id LEFT JOIN users u ON u.id = i.created_by"
namespace {

InvitationRow read_invitation(Statement& s) {
  InvitationRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.network_slug = s.column_text(2);
  r.network_name = s.column_text(3);
  r.role = s.column_text(4);
  r.note = s.column_optional_text(5);
  if (!s.column_is_null(6)) r.created_by = s.column_int64(6);
  r.created_by_pseudonym = s.column_text(7);
  r.created_at = s.column_text(8);
  r.expires_at = s.column_text(9);
  r.used_at = s.column_optional_text(10);
  r.revoked_at = s.column_optional_text(11);
  return r;
}

}  // namespace

std::int64_t insert_invitation(Connection& c, std::string_view token_hash, std::int64_t network_id, std::string_view role,
                               const std::optional<std::string>& note, std::optional<std::int64_t> created_by,
                               std::string_view now, std::string_view expires_at) {
  Statement& s = c.prepare(
      "INSERT INTO invitations (token_hash, network_id, role, note, created_by, created_at, expires_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind(1, token_hash).bind(2, network_id).bind(3, role).bind(4, note);
  if (created_by) s.bind(5, *created_by); else s.bind(5, nullptr);
  s.bind(6, now).bind(7, expires_at).run();
  return c.last_insert_rowid();
}

std::optional<InvitationRow> find_invitation_by_hash(Connection& c, std::string_view token_hash) {
  Statement& s = c.prepare(
      INVITATION_SELECT
      " WHERE i.token_hash = ?1");
  s.bind(1, token_hash);
  std::optional<InvitationRow> row;
  if (s.step()) row = read_invitation(s);
  s.reset();
  return row;
}

std::optional<InvitationRow> find_invitation(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(
      INVITATION_SELECT
      " WHERE i.id = ?1");
  s.bind(1, id);
  std::optional<InvitationRow> row;
  if (s.step()) row = read_invitation(s);
  s.reset();
  return row;
}

std::vector<InvitationRow> list_invitations(Connection& c, std::int64_t network_id, std::int64_t before_id, int limit) {
  Statement& s = c.prepare(
      INVITATION_SELECT
      " WHERE i.network_id = ?1 AND i.id < ?2 ORDER BY i.id DESC LIMIT ?3");
  s.bind(1, network_id).bind(2, before_id).bind(3, limit);
  std::vector<InvitationRow> rows;
  while (s.step()) rows.push_back(read_invitation(s));
  return rows;
}

bool mark_invitation_used(Connection& c, std::int64_t id, std::int64_t user_id, std::string_view now) {
  c.prepare("UPDATE invitations SET used_at = ?3, used_by = ?2 WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL")
      .bind(1, id).bind(2, user_id).bind(3, now).run();
  return c.changes() == 1;
}

bool revoke_invitation(Connection& c, std::int64_t id, std::int64_t by, std::string_view now) {
  c.prepare("UPDATE invitations SET revoked_at = ?3, revoked_by = ?2 WHERE id = ?1 AND used_at IS NULL AND revoked_at IS NULL")
      .bind(1, id).bind(2, by).bind(3, now).run();
  return c.changes() == 1;
}

std::int64_t count_open_admin_invitations(Connection& c, std::string_view now) {
  Statement& s = c.prepare(
      "SELECT count(*) FROM invitations WHERE role = 'admin' AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1");
  s.bind(1, now);
  s.step();
  const auto n = s.column_int64(0);
  s.reset();
  return n;
}

}  // namespace harbour::store

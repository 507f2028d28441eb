#include "store/account_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

// The columns read_user() expects; adjacent literals keep each statement one literal.
#define USER_SELECT                                                                                   \
  "SELECT id, pseudonym, pseudonym_key, password_hash, is_admin, status, totp_secret, totp_enabled," \
  " totp_last_step, failed_signins, locked_until, created_at FROM users "
namespace {


UserRow read_user(Statement& s) {
  UserRow u;
  u.id = s.column_int64(0);
  u.pseudonym = s.column_text(1);
  u.pseudonym_key = s.column_text(2);
  u.password_hash = s.column_optional_text(3);
  u.is_admin = s.column_int64(4) != 0;
  u.status = s.column_text(5);
  u.totp_secret = s.column_optional_text(6);
  u.totp_enabled = s.column_int64(7) != 0;
  if (!s.column_is_null(8)) u.totp_last_step = s.column_int64(8);
  u.failed_signins = s.column_int64(9);
  u.locked_until = s.column_optional_text(10);
  u.created_at = s.column_text(11);
  return u;
}

std::optional<UserRow> one_user(Statement& s) {
  std::optional<UserRow> row;
  if (s.step()) row = read_user(s);
  s.reset();
  return row;
}

}  // namespace

std::optional<UserRow> find_user(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(
      USER_SELECT "WHERE id = ?1");
  s.bind(1, id);
  return one_user(s);
}

std::optional<UserRow> find_user_by_key(Connection& c, std::string_view key) {
  Statement& s = c.prepare(
      USER_SELECT "WHERE pseudonym_key = ?1");
  s.bind(1, key);
  return one_user(s);
}

std::int64_t count_users(Connection& c) {
  Statement& s = c.prepare("SELECT count(*) FROM users WHERE status != 'erased'");
  s.step();
  const auto n = s.column_int64(0);
  s.reset();
  return n;
}

std::int64_t insert_user(Connection& c, std::string_view pseudonym, std::string_view key, std::string_view hash,
                         bool is_admin, std::string_view now) {
  c.prepare("INSERT INTO users (pseudonym, pseudonym_key, password_hash, is_admin, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, pseudonym).bind(2, key).bind(3, hash).bind(4, is_admin ? 1 : 0).bind(5, now).run();
  return c.last_insert_rowid();
}

void set_admin(Connection& c, std::int64_t user_id, bool is_admin) {
  c.prepare("UPDATE users SET is_admin = ?2 WHERE id = ?1").bind(1, user_id).bind(2, is_admin ? 1 : 0).run();
}

void set_user_status(Connection& c, std::int64_t user_id, std::string_view status) {
  c.prepare("UPDATE users SET status = ?2 WHERE id = ?1").bind(1, user_id).bind(2, status).run();
}

void record_signin_failure(Connection& c, std::int64_t user_id, std::optional<std::string> locked_until) {
  c.prepare("UPDATE users SET failed_signins = failed_signins + 1, locked_until = coalesce(?2, locked_until) WHERE id = ?1")
      .bind(1, user_id).bind(2, locked_until).run();
}

void record_signin_success(Connection& c, std::int64_t user_id) {
  c.prepare("UPDATE users SET failed_signins = 0, locked_until = NULL WHERE id = ?1").bind(1, user_id).run();
}

void set_password_hash(Connection& c, std::int64_t user_id, std::string_view hash) {
  c.prepare("UPDATE users SET password_hash = ?2 WHERE id = ?1").bind(1, user_id).bind(2, hash).run();
}

void set_totp(Connection& c, std::int64_t user_id, std::optional<std::string> secret, bool enabled) {
  c.prepare("UPDATE users SET totp_secret = ?2, totp_enabled = ?3, totp_last_step = NULL WHERE id = ?1")
      .bind(1, user_id).bind(2, secret).bind(3, enabled ? 1 : 0).run();
}

void set_totp_last_step(Connection& c, std::int64_t user_id, std::int64_t step) {
  c.prepare("UPDATE users SET totp_last_step = ?2 WHERE id = ?1").bind(1, user_id).bind(2, step).run();
}

void replace_recovery_codes(Connection& c, std::int64_t user_id, const std::vector<std::string>& code_hashes) {
  c.prepare("DELETE FROM recovery_codes WHERE user_id = ?1").bind(1, user_id).run();
  for (const auto& h : code_hashes) {
    c.prepare("INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)").bind(1, user_id).bind(2, h).run();
  }
}

bool use_recovery_code(Connection& c, std::int64_t user_id, std::string_view code_hash, std::string_view now) {
  c.prepare("UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL")
      .bind(1, user_id).bind(2, code_hash).bind(3, now).run();
  return c.changes() == 1;
}

std::vector<MembershipRow> memberships_of(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare(
      "SELECT m.network_id, n.slug, n.name, m.role, m.status FROM memberships m JOIN networks n ON n.id = m.network_id"
      " WHERE m.user_id = ?1 ORDER BY n.id");
  s.bind(1, user_id);
  std::vector<MembershipRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4)});
  }
  return rows;
}

void upsert_membership(Connection& c, std::int64_t user_id, std::int64_t network_id, std::string_view role) {
  c.prepare("INSERT INTO memberships (user_id, network_id, role) VALUES (?1, ?2, ?3)"
            " ON CONFLICT (user_id, network_id) DO UPDATE SET role = excluded.role")
      .bind(1, user_id).bind(2, network_id).bind(3, role).run();
}

std::optional<GuidelinesRow> current_guidelines(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT version, body FROM guidelines WHERE network_id = ?1 ORDER BY version DESC LIMIT 1");
  s.bind(1, network_id);
  std::optional<GuidelinesRow> row;
  if (s.step()) row = GuidelinesRow{s.column_int64(0), s.column_text(1)};
  s.reset();
  return row;
}

void record_guidelines_acceptance(Connection& c, std::int64_t user_id, std::int64_t network_id, std::int64_t version,
                                  std::string_view now) {
  c.prepare("INSERT OR IGNORE INTO guideline_acceptances (user_id, network_id, version, accepted_at) VALUES (?1, ?2, ?3, ?4)")
      .bind(1, user_id).bind(2, network_id).bind(3, version).bind(4, now).run();
}

std::optional<std::string> active_role_in(Connection& c, std::int64_t user_id, std::int64_t network_id) {
  Statement& s = c.prepare(
      "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id"
      " WHERE m.user_id = ?1 AND m.network_id = ?2 AND m.status = 'active' AND u.status = 'active'");
  s.bind(1, user_id).bind(2, network_id);
  std::optional<std::string> role;
  if (s.step()) role = s.column_text(0);
  s.reset();
  return role;
}

}  // namespace harbour::store

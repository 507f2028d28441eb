#include "store/staff_notes_repo.hpp"

#include "store/connection.hpp"

#include <cstdint>

namespace harbour::store {

#define STAFF_MESSAGE_SELECT                                                                                 \
  "SELECT m.id, m.network_id, n.slug, n.name, m.user_id, m.author_id, u.pseudonym, m.author_role, m.body,"  \
  " m.post_id, m.created_at, m.read_at"                                                                     \
  " FROM staff_messages m JOIN networks n ON n.id = m.network_id JOIN users u ON u.id = m.author_id"

namespace {

StaffMessageRow read_message(Statement& s) {
  StaffMessageRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.network_slug = s.column_text(2);
  r.network_name = s.column_text(3);
  r.user_id = s.column_int64(4);
  r.author_id = s.column_int64(5);
  r.author_pseudonym = s.column_text(6);
  r.author_role = s.column_text(7);
  r.body = s.column_text(8);
  r.post_id = s.column_optional_int64(9);
  r.created_at = s.column_text(10);
  r.read_at = s.column_optional_text(11);
  return r;
}

}  // namespace

std::int64_t insert_member_note(Connection& c, std::int64_t network_id, std::int64_t user_id, std::int64_t author_id,
                                std::string_view body, std::string_view now) {
  c.prepare(
       "INSERT INTO member_notes (network_id, user_id, author_id, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
      .bind(1, network_id)
      .bind(2, user_id)
      .bind(3, author_id)
      .bind(4, body)
      .bind(5, now)
      .run();
  return c.last_insert_rowid();
}

std::vector<MemberNoteRow> list_member_notes(Connection& c, std::int64_t network_id, std::int64_t user_id, int limit) {
  Statement& s = c.prepare(
      "SELECT m.id, m.network_id, m.user_id, m.author_id, u.pseudonym, m.body, m.created_at"
      " FROM member_notes m JOIN users u ON u.id = m.author_id"
      " WHERE m.network_id = ?1 AND m.user_id = ?2 ORDER BY m.id DESC LIMIT ?3");
  s.bind(1, network_id).bind(2, user_id).bind(3, limit);
  std::vector<MemberNoteRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_int64(1), s.column_int64(2), s.column_int64(3), s.column_text(4),
                    s.column_text(5), s.column_text(6)});
  }
  return rows;
}

std::int64_t insert_staff_message(Connection& c, const NewStaffMessage& m, std::string_view now) {
  Statement& s = c.prepare(
      "INSERT INTO staff_messages (network_id, user_id, author_id, author_role, body, post_id, created_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind(1, m.network_id).bind(2, m.user_id).bind(3, m.author_id).bind(4, m.author_role).bind(5, m.body).bind(7, now);
  if (m.post_id) s.bind(6, *m.post_id);
  else s.bind(6, nullptr);
  s.run();
  return c.last_insert_rowid();
}

std::optional<StaffMessageRow> find_staff_message(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(STAFF_MESSAGE_SELECT " WHERE m.id = ?1");
  s.bind(1, id);
  std::optional<StaffMessageRow> row;
  if (s.step()) row = read_message(s);
  s.reset();
  return row;
}

std::vector<StaffMessageRow> list_staff_messages(Connection& c, std::int64_t user_id, std::optional<std::int64_t> before_id,
                                                 int limit) {
  Statement& s = c.prepare(STAFF_MESSAGE_SELECT " WHERE m.user_id = ?1 AND m.id < ?2 ORDER BY m.id DESC LIMIT ?3");
  s.bind(1, user_id).bind(2, before_id.value_or(INT64_MAX)).bind(3, limit);
  std::vector<StaffMessageRow> rows;
  while (s.step()) rows.push_back(read_message(s));
  return rows;
}

std::vector<StaffMessageRow> list_staff_messages_in(Connection& c, std::int64_t network_id, std::int64_t user_id,
                                                    int limit) {
  Statement& s =
      c.prepare(STAFF_MESSAGE_SELECT " WHERE m.network_id = ?1 AND m.user_id = ?2 ORDER BY m.id DESC LIMIT ?3");
  s.bind(1, network_id).bind(2, user_id).bind(3, limit);
  std::vector<StaffMessageRow> rows;
  while (s.step()) rows.push_back(read_message(s));
  return rows;
}

std::int64_t count_unread_staff_messages(Connection& c, std::int64_t user_id) {
  Statement& s = c.prepare("SELECT count(*) FROM staff_messages WHERE user_id = ?1 AND read_at IS NULL");
  s.bind(1, user_id);
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

void mark_staff_messages_read(Connection& c, std::int64_t user_id, const std::vector<std::int64_t>& ids,
                              std::string_view now) {
  for (const auto id : ids) {
    c.prepare("UPDATE staff_messages SET read_at = ?3 WHERE id = ?1 AND user_id = ?2 AND read_at IS NULL")
        .bind(1, id)
        .bind(2, user_id)
        .bind(3, now)
        .run();
  }
}

void mark_all_staff_messages_read(Connection& c, std::int64_t user_id, std::string_view now) {
  c.prepare("UPDATE staff_messages SET read_at = ?2 WHERE user_id = ?1 AND read_at IS NULL")
      .bind(1, user_id)
      .bind(2, now)
      .run();
}

}  // namespace harbour::store

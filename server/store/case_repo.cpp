#include "store/case_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

// Column order of every case SELECT below (kept in one place so read_case stays true).
#define HARBOUR_CASE_COLUMNS                                                                          \
  "SELECT k.id, k.network_id, n.slug, k.member_id, m.pseudonym, k.post_id, k.tier, k.matched, k.state," \
  " k.owner_id, o.pseudonym, k.opened_at, k.due_at, k.acknowledged_at, k.closed_at, k.outcome"         \
  " FROM safeguarding_cases k JOIN networks n ON n.id = k.network_id JOIN users m ON m.id = k.member_id" \
  " LEFT JOIN users o ON o.id = k.owner_id"

CaseRow read_case(Statement& s) {
  CaseRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.network_slug = s.column_text(2);
  r.member_id = s.column_int64(3);
  r.member_pseudonym = s.column_text(4);
  r.post_id = s.column_optional_int64(5);
  r.tier = s.column_text(6);
  r.matched = s.column_optional_text(7);
  r.state = s.column_text(8);
  r.owner_id = s.column_optional_int64(9);
  r.owner_pseudonym = s.column_optional_text(10);
  r.opened_at = s.column_text(11);
  r.due_at = s.column_text(12);
  r.acknowledged_at = s.column_optional_text(13);
  r.closed_at = s.column_optional_text(14);
  r.outcome = s.column_optional_text(15);
  return r;
}

}  // namespace

std::int64_t insert_case(Connection& c, const NewCase& k) {
  Statement& s = c.prepare(
      "INSERT INTO safeguarding_cases (network_id, member_id, post_id, tier, matched, opened_at, due_at)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  s.bind(1, k.network_id).bind(2, k.member_id);
  if (k.post_id) s.bind(3, *k.post_id); else s.bind(3, nullptr);
  s.bind(4, k.tier).bind(5, k.matched).bind(6, k.opened_at).bind(7, k.due_at).run();
  return c.last_insert_rowid();
}

std::optional<CaseRow> find_case(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(HARBOUR_CASE_COLUMNS " WHERE k.id = ?1");
  s.bind(1, id);
  std::optional<CaseRow> row;
  if (s.step()) row = read_case(s);
  s.reset();
  return row;
}

std::vector<CaseRow> list_active_cases(Connection& c, std::int64_t network_id, std::string_view state,
                                       std::string_view now, int limit) {
  Statement& s = c.prepare(HARBOUR_CASE_COLUMNS
                           " WHERE k.network_id = ?1"
                           " AND (CASE WHEN ?2 = 'active' THEN k.state <> 'closed' ELSE k.state = ?2 END)"
                           " ORDER BY (k.state = 'open' AND k.due_at < ?3) DESC, k.due_at, k.id LIMIT ?4");
  s.bind(1, network_id).bind(2, state).bind(3, now).bind(4, limit);
  std::vector<CaseRow> rows;
  while (s.step()) rows.push_back(read_case(s));
  return rows;
}

std::vector<CaseRow> list_closed_cases(Connection& c, std::int64_t network_id, std::int64_t before_id, int limit) {
  Statement& s = c.prepare(HARBOUR_CASE_COLUMNS
                           " WHERE k.network_id = ?1 AND k.state = 'closed' AND k.id < ?2 ORDER BY k.id DESC LIMIT ?3");
  s.bind(1, network_id).bind(2, before_id).bind(3, limit);
  std::vector<CaseRow> rows;
  while (s.step()) rows.push_back(read_case(s));
  return rows;
}

#undef HARBOUR_CASE_COLUMNS

std::int64_t count_member_cases_since(Connection& c, std::int64_t network_id, std::int64_t member_id,
                                      std::string_view since, std::int64_t except_id) {
  Statement& s = c.prepare(
      "SELECT count(*) FROM safeguarding_cases"
      " WHERE member_id = ?1 AND network_id = ?2 AND opened_at >= ?3 AND id <> ?4");
  s.bind(1, member_id).bind(2, network_id).bind(3, since).bind(4, except_id);
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

bool update_case(Connection& c, std::int64_t id, std::string_view expected_state, const CaseUpdate& u) {
  Statement& s = c.prepare(
      "UPDATE safeguarding_cases SET state = ?3, owner_id = ?4, due_at = ?5, acknowledged_at = ?6, closed_at = ?7,"
      " outcome = ?8 WHERE id = ?1 AND state = ?2");
  s.bind(1, id).bind(2, expected_state).bind(3, u.state);
  if (u.owner_id) s.bind(4, *u.owner_id); else s.bind(4, nullptr);
  s.bind(5, u.due_at).bind(6, u.acknowledged_at).bind(7, u.closed_at).bind(8, u.outcome).run();
  return c.changes() == 1;
}

std::int64_t insert_case_event(Connection& c, std::int64_t case_id, std::optional<std::int64_t> author_id,
                               std::string_view kind, std::string_view body, std::string_view now) {
  Statement& s = c.prepare(
      "INSERT INTO case_events (case_id, author_id, kind, body, created_at) VALUES (?1, ?2, ?3, ?4, ?5)");
  s.bind(1, case_id);
  if (author_id) s.bind(2, *author_id); else s.bind(2, nullptr);
  s.bind(3, kind).bind(4, body).bind(5, now).run();
  return c.last_insert_rowid();
}

std::vector<CaseEventRow> list_case_events(Connection& c, std::int64_t case_id) {
  Statement& s = c.prepare(
      "SELECT e.id, e.author_id, u.pseudonym, e.kind, e.body, e.created_at FROM case_events e"
      " LEFT JOIN users u ON u.id = e.author_id WHERE e.case_id = ?1 ORDER BY e.id");
  s.bind(1, case_id);
  std::vector<CaseEventRow> rows;
  while (s.step()) {
    rows.push_back({s.column_int64(0), s.column_optional_int64(1), s.column_optional_text(2), s.column_text(3),
                    s.column_text(4), s.column_text(5)});
  }
  return rows;
}

}  // namespace harbour::store

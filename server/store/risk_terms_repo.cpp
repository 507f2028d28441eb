#include "store/risk_terms_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {

#define RISK_TERM_SELECT "SELECT id, network_id, phrase, tier, exceptions, created_by, created_at FROM risk_terms"

namespace {

std::vector<std::string> split_lines(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto nl = s.find('\n');
    const auto line = s.substr(0, nl);
    if (!line.empty()) out.emplace_back(line);
    if (nl == std::string_view::npos) break;
    s.remove_prefix(nl + 1);
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) {
    if (!out.empty()) out.push_back('\n');
    out += line;
  }
  return out;
}

RiskTermRow read_term(Statement& s) {
  RiskTermRow r;
  r.id = s.column_int64(0);
  r.network_id = s.column_int64(1);
  r.phrase = s.column_text(2);
  r.tier = s.column_text(3);
  r.exceptions = split_lines(s.column_text(4));
  r.created_by = s.column_optional_int64(5);
  r.created_at = s.column_text(6);
  return r;
}

}  // namespace

std::vector<RiskTermRow> list_risk_terms(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare(RISK_TERM_SELECT " WHERE network_id = ?1 ORDER BY id");
  s.bind(1, network_id);
  std::vector<RiskTermRow> rows;
  while (s.step()) rows.push_back(read_term(s));
  return rows;
}

std::optional<RiskTermRow> find_risk_term(Connection& c, std::int64_t id) {
  Statement& s = c.prepare(RISK_TERM_SELECT " WHERE id = ?1");
  s.bind(1, id);
  std::optional<RiskTermRow> row;
  if (s.step()) row = read_term(s);
  s.reset();
  return row;
}

std::optional<std::int64_t> insert_risk_term(Connection& c, std::int64_t network_id, std::string_view phrase,
                                             std::string_view tier, const std::vector<std::string>& exceptions,
                                             std::int64_t created_by, std::string_view now) {
  c.prepare(
       "INSERT INTO risk_terms (network_id, phrase, tier, exceptions, created_by, created_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (network_id, phrase) DO NOTHING")
      .bind(1, network_id)
      .bind(2, phrase)
      .bind(3, tier)
      .bind(4, join_lines(exceptions))
      .bind(5, created_by)
      .bind(6, now)
      .run();
  if (c.changes() != 1) return std::nullopt;
  return c.last_insert_rowid();
}

bool delete_risk_term(Connection& c, std::int64_t id) {
  c.prepare("DELETE FROM risk_terms WHERE id = ?1").bind(1, id).run();
  return c.changes() == 1;
}

}  // namespace harbour::store

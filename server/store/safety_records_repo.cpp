#include "store/safety_records_repo.hpp"

#include "store/case_repo.hpp"
#include "store/connection.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace harbour::store {
namespace {

using nlohmann::json;

json text_or_null(Statement& s, int column) {
  const auto v = s.column_optional_text(column);
  return v ? json(*v) : json();
}

std::int64_t count_of(Connection& c, Sql sql, std::int64_t user_id) {
  Statement& s = c.prepare(sql);
  s.bind(1, user_id);
  const auto n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

}  // namespace

json export_safety_records(Connection& c, std::int64_t user_id) {
  json out = json::object();
  {
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT r.id, n.slug, r.post_id, r.reason, r.note, r.state, r.created_at, r.resolved_at FROM reports r"
        " JOIN networks n ON n.id = r.network_id WHERE r.reporter_id = ?1 ORDER BY r.id");
    s.bind(1, user_id);
    while (s.step()) {
      rows.push_back({{"id", s.column_int64(0)}, {"network", s.column_text(1)}, {"post_id", s.column_int64(2)},
                      {"reason", s.column_text(3)}, {"note", s.column_text(4)}, {"state", s.column_text(5)},
                      {"created_at", s.column_text(6)}, {"resolved_at", text_or_null(s, 7)}});
    }
    out["reports_made"] = std::move(rows);
  }
  {
    // The author is shown by role, as the member saw them.
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT m.id, n.slug, m.author_role, m.body, m.post_id, m.created_at, m.read_at FROM staff_messages m"
        " JOIN networks n ON n.id = m.network_id WHERE m.user_id = ?1 ORDER BY m.id");
    s.bind(1, user_id);
    while (s.step()) {
      rows.push_back({{"id", s.column_int64(0)}, {"network", s.column_text(1)}, {"from_role", s.column_text(2)},
                      {"body", s.column_text(3)}, {"post_id", s.column_is_null(4) ? json() : json(s.column_int64(4))},
                      {"sent_at", s.column_text(5)}, {"read_at", text_or_null(s, 6)}});
    }
    out["messages_from_staff"] = std::move(rows);
  }
  {
    json rows = json::array();
    Statement& s = c.prepare(
        "SELECT n.slug, x.until, x.reason, x.created_at FROM silences x JOIN networks n ON n.id = x.network_id"
        " WHERE x.user_id = ?1 ORDER BY x.created_at");
    s.bind(1, user_id);
    while (s.step()) {
      rows.push_back({{"network", s.column_text(0)}, {"until", s.column_text(1)}, {"reason", s.column_text(2)},
                      {"since", s.column_text(3)}});
    }
    out["silences"] = std::move(rows);
  }
  out["staff_records"] = {
      {"included", false},
      {"why",
       "Notes the moderating team keeps and safeguarding records are health and social care records. A clinician "
       "reviews them before they are released, as the law requires."},
      {"how_to_ask",
       "Ask the service that invited you for a copy (a subject access request). They answer within one month."}};
  return out;
}

json erase_safety_records(Connection& c, std::int64_t user_id, std::string_view now) {
  json counts = json::object();
  auto run = [&](const char* name, Sql sql) {
    c.prepare(sql).bind(1, user_id).run();
    counts[name] = c.changes();
  };
  run("staff_messages", "DELETE FROM staff_messages WHERE user_id = ?1");
  run("silences", "DELETE FROM silences WHERE user_id = ?1");
  run("report_notes_blanked", "UPDATE reports SET note = '' WHERE reporter_id = ?1 AND note <> ''");
  run("claims_released",
      "UPDATE moderation_items SET claimed_by = NULL, claim_expires_at = NULL WHERE claimed_by = ?1");
  {
    c.prepare("DELETE FROM rota_shifts WHERE user_id = ?1 AND ends_at > ?2").bind(1, user_id).bind(2, now).run();
    counts["rota_shifts"] = c.changes();
  }
  {
    // An open case must never be left with an owner who can no longer sign in.
    Statement& s = c.prepare("SELECT id FROM safeguarding_cases WHERE owner_id = ?1 AND state <> 'closed'");
    s.bind(1, user_id);
    std::vector<std::int64_t> cases;
    while (s.step()) cases.push_back(s.column_int64(0));
    for (const auto id : cases) {
      c.prepare("UPDATE safeguarding_cases SET owner_id = NULL WHERE id = ?1").bind(1, id).run();
      insert_case_event(c, id, std::nullopt, "owner", "The owner's account was closed; the case needs a new owner.", now);
    }
    counts["cases_unowned"] = static_cast<std::int64_t>(cases.size());
  }
  counts["member_notes_kept"] = count_of(c, "SELECT count(*) FROM member_notes WHERE user_id = ?1", user_id);
  counts["cases_kept"] = count_of(c, "SELECT count(*) FROM safeguarding_cases WHERE member_id = ?1", user_id);
  return counts;
}

}  // namespace harbour::store

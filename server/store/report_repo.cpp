#include "store/report_repo.hpp"

#include "store/connection.hpp"

#include <algorithm>

namespace harbour::store {

std::optional<std::int64_t> insert_report(Connection& c, const NewReport& r, std::string_view now) {
  c.prepare(
       "INSERT INTO reports (network_id, post_id, reporter_id, reason, note, created_at)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (post_id, reporter_id) DO NOTHING")
      .bind(1, r.network_id)
      .bind(2, r.post_id)
      .bind(3, r.reporter_id)
      .bind(4, r.reason)
      .bind(5, r.note)
      .bind(6, now)
      .run();
  if (c.changes() != 1) return std::nullopt;
  return c.last_insert_rowid();
}

std::map<std::int64_t, ReportSummary> report_summaries(Connection& c, const std::vector<std::int64_t>& post_ids) {
  std::map<std::int64_t, ReportSummary> out;
  for (const auto post_id : post_ids) {
    if (out.count(post_id)) continue;
    Statement& s = c.prepare("SELECT reason, note, state FROM reports WHERE post_id = ?1 ORDER BY id");
    s.bind(1, post_id);
    ReportSummary sum;
    while (s.step()) {
      auto reason = s.column_text(0);
      auto note = s.column_text(1);
      ++sum.count;
      if (s.column_text(2) == "open") ++sum.open;
      if (std::find(sum.reasons.begin(), sum.reasons.end(), reason) == sum.reasons.end()) {
        sum.reasons.push_back(std::move(reason));
      }
      if (!note.empty()) sum.notes.push_back(std::move(note));
    }
    out.emplace(post_id, std::move(sum));
  }
  return out;
}

std::int64_t resolve_reports(Connection& c, std::int64_t post_id, std::int64_t resolved_by, std::string_view now) {
  c.prepare(
       "UPDATE reports SET state = 'resolved', resolved_by = ?2, resolved_at = ?3 WHERE post_id = ?1 AND state = 'open'")
      .bind(1, post_id)
      .bind(2, resolved_by)
      .bind(3, now)
      .run();
  return c.changes();
}

}  // namespace harbour::store

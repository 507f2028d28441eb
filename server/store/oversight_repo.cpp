#include "store/oversight_repo.hpp"

#include "store/connection.hpp"

namespace harbour::store {
namespace {

std::int64_t count_of(Statement& s) {
  const std::int64_t n = s.step() ? s.column_int64(0) : 0;
  s.reset();
  return n;
}

}  // namespace

QueueSnapshot queue_snapshot(Connection& c, std::int64_t network_id) {
  Statement& s = c.prepare("SELECT count(*), min(created_at) FROM moderation_items WHERE network_id = ?1 AND state = 'open'");
  s.bind(1, network_id);
  QueueSnapshot q;
  if (s.step()) q = {s.column_int64(0), s.column_optional_text(1)};
  s.reset();
  return q;
}

std::vector<double> review_minutes(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to) {
  Statement& s = c.prepare(
      "SELECT (julianday(decided_at) - julianday(created_at)) * 1440.0 FROM moderation_items"
      " WHERE network_id = ?1 AND state IN ('approved', 'rejected') AND decided_at >= ?2 AND decided_at < ?3"
      " ORDER BY 1");
  s.bind(1, network_id).bind(2, from).bind(3, to);
  std::vector<double> out;
  while (s.step()) out.push_back(s.column_double(0));
  return out;
}

CaseCounts case_counts(Connection& c, std::int64_t network_id, std::string_view now) {
  CaseCounts k;
  k.active = count_of(
      c.prepare("SELECT count(*) FROM safeguarding_cases WHERE network_id = ?1 AND state <> 'closed'").bind(1, network_id));
  k.past_deadline = count_of(c.prepare("SELECT count(*) FROM safeguarding_cases WHERE network_id = ?1 AND state = 'open' AND due_at < ?2")
                                 .bind(1, network_id)
                                 .bind(2, now));
  return k;
}

WeekCounts week_counts(Connection& c, std::int64_t network_id, std::string_view from, std::string_view to) {
  WeekCounts w;
  w.members_active = count_of(c.prepare("SELECT count(DISTINCT author_id) FROM posts WHERE network_id = ?1 AND created_at >= ?2"
                                        " AND created_at < ?3 AND author_role IN ('member', 'carer')")
                                  .bind(1, network_id).bind(2, from).bind(3, to));
  w.posts = count_of(c.prepare("SELECT count(*) FROM posts WHERE network_id = ?1 AND created_at >= ?2 AND created_at < ?3")
                         .bind(1, network_id).bind(2, from).bind(3, to));
  w.held = count_of(c.prepare("SELECT count(*) FROM moderation_items WHERE network_id = ?1 AND created_at >= ?2 AND created_at < ?3")
                        .bind(1, network_id).bind(2, from).bind(3, to));
  w.cases_opened = count_of(c.prepare("SELECT count(*) FROM safeguarding_cases WHERE network_id = ?1 AND opened_at >= ?2 AND opened_at < ?3")
                                .bind(1, network_id).bind(2, from).bind(3, to));
  w.cases_answered_in_time = count_of(
      c.prepare("SELECT count(*) FROM safeguarding_cases WHERE network_id = ?1 AND opened_at >= ?2 AND opened_at < ?3"
                " AND acknowledged_at IS NOT NULL AND acknowledged_at <= due_at")
          .bind(1, network_id).bind(2, from).bind(3, to));
  w.cases_closed = count_of(c.prepare("SELECT count(*) FROM safeguarding_cases WHERE network_id = ?1 AND closed_at >= ?2 AND closed_at < ?3")
                                .bind(1, network_id).bind(2, from).bind(3, to));
  return w;
}

}  // namespace harbour::store

#pragma once
// Members' reports of posts. The reporter is stored for the one-report-per-person rule and the
// audit trail; nothing read from here for the queue names them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NewReport {
  std::int64_t network_id = 0;
  std::int64_t post_id = 0;
  std::int64_t reporter_id = 0;
  std::string reason;  // unkind | identifying | unsafe | spam | other
  std::string note;
};

// nullopt when this person has reported this post before.
std::optional<std::int64_t> insert_report(Connection& c, const NewReport& r, std::string_view now);

// What moderators see of a post's reports: how many, why, and the reporters' own words.
struct ReportSummary {
  std::int64_t count = 0;
  std::int64_t open = 0;
  std::vector<std::string> reasons;  // distinct, in the order first given
  std::vector<std::string> notes;    // non-empty notes, oldest first
};
std::map<std::int64_t, ReportSummary> report_summaries(Connection& c, const std::vector<std::int64_t>& post_ids);

// Closes the post's open reports; returns how many.
std::int64_t resolve_reports(Connection& c, std::int64_t post_id, std::int64_t resolved_by, std::string_view now);

}  // namespace harbour::store

#pragma once
// Safeguarding cases and their events.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {

class Connection;

struct NewCase {
  std::int64_t network_id = 0;
  std::int64_t member_id = 0;
  std::optional<std::int64_t> post_id;
  std::string tier;  // concern | urgent
  std::optional<std::string> matched;
  std::string opened_at;
  std::string due_at;
};

std::int64_t insert_case(Connection& c, const NewCase& k);

struct CaseRow {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network_slug;
  std::int64_t member_id = 0;
  std::string member_pseudonym;
  std::optional<std::int64_t> post_id;
  std::string tier;
  std::optional<std::string> matched;
  std::string state;  // open | acknowledged | contacted | closed
  std::optional<std::int64_t> owner_id;
  std::optional<std::string> owner_pseudonym;
  std::string opened_at;
  std::string due_at;
  std::optional<std::string> acknowledged_at;
  std::optional<std::string> closed_at;
  std::optional<std::string> outcome;
};

std::optional<CaseRow> find_case(Connection& c, std::int64_t id);

// Cases of a network in `state`, or every state but closed when state is "active". Cases still
// open past their deadline come first, then by deadline; at most `limit`.
std::vector<CaseRow> list_active_cases(Connection& c, std::int64_t network_id, std::string_view state,
                                       std::string_view now, int limit);
// Closed cases, newest first, with id < before_id.
std::vector<CaseRow> list_closed_cases(Connection& c, std::int64_t network_id, std::int64_t before_id, int limit);

// Cases of the member in the network opened at or after `since`, other than `except_id`.
std::int64_t count_member_cases_since(Connection& c, std::int64_t network_id, std::int64_t member_id,
                                      std::string_view since, std::int64_t except_id);

// The fields a state change moves; the caller has checked the transition.
struct CaseUpdate {
  std::string state;
  std::optional<std::int64_t> owner_id;
  std::string due_at;
  std::optional<std::string> acknowledged_at;
  std::optional<std::string> closed_at;
  std::optional<std::string> outcome;
};
// Writes `u` only while the case is still in `expected_state` (two clinicians acting at once:
// one wins). Returns whether it did.
bool update_case(Connection& c, std::int64_t id, std::string_view expected_state, const CaseUpdate& u);

struct CaseEventRow {
  std::int64_t id = 0;
  std::optional<std::int64_t> author_id;
  std::optional<std::string> author_pseudonym;
  std::string kind;  // note | handover | state | owner
  std::string body;
  std::string created_at;
};

std::int64_t insert_case_event(Connection& c, std::int64_t case_id, std::optional<std::int64_t> author_id,
                               std::string_view kind, std::string_view body, std::string_view now);
// Oldest first.
std::vector<CaseEventRow> list_case_events(Connection& c, std::int64_t case_id);


}  // namespace harbour::store

#pragma once
// Safeguarding cases (issue 5, item 4): a risk match (or a member of staff) opens one; clinicians
// acknowledge, contact, hand over and close it; every change leaves a case event and an audit
// row in one transaction.
//
// Who may do what (the decision, one place):
//   - list, view, add a note or handover note, open one by hand: staff of the network
//     (volunteers and peer supporters escalate to clinicians this way) and admins;
//   - acknowledge, contacted, assign, reopen: clinicians of the network and admins;
//   - close: clinicians of the network only ("Only clinicians can close a risk case"), so not an
//     admin without a clinician key to it.
// A case of a network the caller holds no key to answers 404 case_not_found like an id that
// does not exist.
#include "core/clock.hpp"
#include "services/post_view.hpp"
#include "services/principal.hpp"
#include "services/request_meta.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harbour::store {
class Connection;
class Database;
struct CaseRow;
}  // namespace harbour::store
namespace harbour::live {
class Hub;
}

namespace harbour::services {

// Outcome of a closed case and notes: what a clinician may write.
inline constexpr std::size_t kCaseOutcomeMinChars = 3;
inline constexpr std::size_t kCaseOutcomeMaxChars = 2000;
inline constexpr std::size_t kCaseNoteMinChars = 1;
inline constexpr std::size_t kCaseNoteMaxChars = 4000;
// The "other recent cases" of the member that a case shows.
inline constexpr int kRecentCaseDays = 90;
// Cases one list returns (active lists are short; closed ones page).
inline constexpr int kActiveCaseLimit = 500;
inline constexpr int kClosedCasePageSize = 50;

// When a case opened at `now` must be answered: in hours now + the network's
// case_response_minutes; out of hours the next opening + those minutes; with no office hours
// set at all now + those minutes. RFC 3339 UTC with milliseconds.
std::string case_due_at(store::Connection& c, std::int64_t network_id, std::chrono::system_clock::time_point now);

struct CasePerson {
  std::int64_t id = 0;
  std::string pseudonym;
};

struct CasePostLink {
  std::int64_t id = 0;
  std::string kind;
  std::string state;
  std::string excerpt;  // plain text, "" when the post's text is withheld
};

struct CaseSummary {
  std::int64_t id = 0;
  std::int64_t network_id = 0;
  std::string network;  // slug
  CasePerson member;
  std::optional<CasePerson> owner;
  std::optional<CasePostLink> post;
  std::string tier;  // concern | urgent
  std::optional<std::string> matched;
  std::string state;  // open | acknowledged | contacted | closed
  std::string opened_at;
  std::string due_at;
  std::optional<std::string> acknowledged_at;
  std::optional<std::string> closed_at;
  std::optional<std::string> outcome;
  bool overdue = false;  // still open past due_at
};

struct CaseEvent {
  std::int64_t id = 0;
  std::optional<CasePerson> author;
  std::string kind;  // note | handover | state | owner
  std::string body;
  std::string created_at;
};

struct CaseDetail {
  CaseSummary summary;
  std::vector<CaseEvent> events;
  std::optional<PostView> post;
  std::int64_t member_recent_cases = 0;  // other cases of the member in kRecentCaseDays
  bool can_act = false;                  // acknowledge, contacted, assign, reopen
  bool can_close = false;
};

struct CaseList {
  std::vector<CaseSummary> cases;
  std::optional<std::int64_t> next_before;  // closed lists only
};

struct NewCaseInput {
  std::int64_t member_id = 0;
  std::optional<std::int64_t> post_id;
  std::string tier;
  std::string note;
};

class CaseService {
 public:
  CaseService(store::Database& db, live::Hub& hub, const core::Clock& clock, std::function<void()> audit_written)
      : db_(db), hub_(hub), clock_(clock), audit_written_(std::move(audit_written)) {}

  // state: open | acknowledged | contacted | closed | active (every state but closed; default).
  CaseList list(const Principal* who, std::string_view network_slug, std::optional<std::string> state,
                std::optional<std::int64_t> before_id, std::chrono::system_clock::time_point now);
  // Audited as case.view.
  CaseDetail get(const Principal* who, const RequestMeta& meta, std::int64_t case_id);

  // Staff opening a case by hand (case.open for clinicians and admins, case.escalate for
  // volunteers and peer supporters). Alerts like an automatic one.
  CaseDetail open(const Principal* who, const RequestMeta& meta, std::string_view network_slug, NewCaseInput input);

  CaseDetail acknowledge(const Principal* who, const RequestMeta& meta, std::int64_t case_id);
  CaseDetail contacted(const Principal* who, const RequestMeta& meta, std::int64_t case_id, std::string_view note);
  CaseDetail assign(const Principal* who, const RequestMeta& meta, std::int64_t case_id, std::int64_t owner_id);
  CaseDetail note(const Principal* who, const RequestMeta& meta, std::int64_t case_id, std::string_view body,
                  bool handover);
  CaseDetail close(const Principal* who, const RequestMeta& meta, std::int64_t case_id, std::string_view outcome);
  CaseDetail reopen(const Principal* who, const RequestMeta& meta, std::int64_t case_id, std::string_view reason);

  // After the commit that inserted the case: {"type":"case_opened","case":{...}} on
  // "staff:<network>" and on "user:<id>" of every clinician of the network on shift now.
  void alert_opened(std::int64_t case_id) noexcept;

 private:
  // One step on an existing case: found again in an audited write (404 case_not_found when gone),
  // then the case as the caller now sees it.
  CaseDetail change_case(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                         const std::function<void(store::Connection&, const store::CaseRow&)>& step);
  CaseDetail detail(store::Connection& c, const Principal* who, std::int64_t case_id,
                    std::chrono::system_clock::time_point now);

  store::Database& db_;
  live::Hub& hub_;
  const core::Clock& clock_;
  std::function<void()> audit_written_;
};

}  // namespace harbour::services

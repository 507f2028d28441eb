#include "services/case_service.hpp"

#include "core/app_error.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "live/hub.hpp"
#include "services/audit_log.hpp"
#include "services/audited_write.hpp"
#include "services/authorizer.hpp"
#include "services/content_access.hpp"
#include "services/content_rules.hpp"
#include "services/notification_service.hpp"
#include "services/office_hours.hpp"
#include "services/staff_action.hpp"
#include "store/account_repo.hpp"
#include "store/case_repo.hpp"
#include "store/database.hpp"
#include "store/network_repo.hpp"
#include "store/post_repo.hpp"
#include "store/safety_policy_repo.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace harbour::services {
namespace {

using core::AppError;
using core::ErrorKind;
using nlohmann::json;
using SysTime = std::chrono::system_clock::time_point;

AppError case_not_found() {
  return AppError(ErrorKind::NotFound, "case_not_found", "There is no case with that number.");
}

AppError not_allowed() { return AppError(ErrorKind::Forbidden, "not_allowed", "You do not have permission to do that."); }

AppError invalid_transition(std::string_view state) {
  return AppError(ErrorKind::Conflict, "invalid_transition",
                  "This case is " + std::string(state) +
                      " now, so that step does not apply. Someone may have acted on it already: reload the case.");
}

bool is_tier(std::string_view s) { return s == "concern" || s == "urgent"; }
bool is_list_state(std::string_view s) {
  return s == "active" || s == "open" || s == "acknowledged" || s == "contacted" || s == "closed";
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    std::uint32_t cp = 0;
    if (b < 0x80) {
      ++i;
      continue;
    }
    if ((b & 0xE0) == 0xC0) {
      n = 1;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 2;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Trimmed text of min..max characters; tabs and line breaks are the only control characters
// allowed. Throws 400 `code`.
std::string checked_case_text(std::string_view raw, std::size_t min_chars, std::size_t max_chars, const char* code,
                              const std::string& message) {
  if (!valid_utf8(raw)) throw AppError(ErrorKind::BadRequest, "invalid_utf8", "The text contains characters that are not valid UTF-8.");
  const auto first = raw.find_first_not_of(" \t\r\n");
  const auto last = raw.find_last_not_of(" \t\r\n");
  const std::string_view text = first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1);
  const bool control = std::any_of(text.begin(), text.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return (b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b == 0x7f;
  });
  const auto n = code_point_count(text);
  if (control || n < min_chars || n > max_chars) throw AppError(ErrorKind::BadRequest, code, message);
  return std::string(text);
}

std::string checked_note(std::string_view raw) {
  return checked_case_text(raw, kCaseNoteMinChars, kCaseNoteMaxChars, "invalid_note",
                           "Write a note of 1 to 4000 characters.");
}

std::string checked_outcome(std::string_view raw) {
  return checked_case_text(raw, kCaseOutcomeMinChars, kCaseOutcomeMaxChars, "invalid_outcome",
                           "Describe the outcome in 3 to 2000 characters.");
}

bool holds_clinician_key(const Principal& p, std::int64_t network_id) {
  const auto* m = p.membership(network_id);
  return m && m->active && m->role == Role::Clinician;
}

// Staff of the case's network may look (`capability` Moderate) or act (HandleRiskCases). A case
// of a network the caller holds no key to, or one that does not exist, answers 404
// case_not_found to staff alike, so case numbers reveal nothing about other networks; people who
// are staff nowhere are told they may not do this at all.
void require_case_access(const Principal* who, const std::optional<store::CaseRow>& k, Capability capability) {
  const Principal& p = require_signed_in(who);
  if (k && (p.is_admin || p.membership(k->network_id))) {
    require_capability(who, capability, k->network_id);
    return;
  }
  if (p.is_admin) {
    require_admin(who);
    throw case_not_found();
  }
  for (const auto& m : p.memberships) {
    if (m.active && role_grants(m.role, Capability::Moderate)) {
      require_capability(who, Capability::Moderate, m.network_id);  // the second factor still applies
      throw case_not_found();
    }
  }
  throw not_allowed();
}

std::int64_t network_id_of(store::Database& db, std::string_view slug) {
  return db.read([&](store::Connection& c) { return require_network(c, slug).id; });
}

CasePerson person(std::int64_t id, std::string pseudonym) { return {id, std::move(pseudonym)}; }

CaseSummary summary_of(store::CaseRow r, SysTime now) {
  CaseSummary s;
  s.id = r.id;
  s.network_id = r.network_id;
  s.network = std::move(r.network_slug);
  s.member = person(r.member_id, std::move(r.member_pseudonym));
  if (r.owner_id) s.owner = person(*r.owner_id, r.owner_pseudonym.value_or(""));
  s.tier = std::move(r.tier);
  s.matched = std::move(r.matched);
  s.state = std::move(r.state);
  s.overdue = s.state == "open" && r.due_at < core::format_utc_ms(now);
  s.opened_at = std::move(r.opened_at);
  s.due_at = std::move(r.due_at);
  s.acknowledged_at = std::move(r.acknowledged_at);
  s.closed_at = std::move(r.closed_at);
  s.outcome = std::move(r.outcome);
  if (r.post_id) s.post = CasePostLink{*r.post_id, "", "", ""};
  return s;
}

// Fills each summary's post link (kind, state, a plain excerpt when the viewer may read it).
void link_posts(store::Connection& c, const Principal* who, std::vector<CaseSummary>& cases) {
  std::vector<store::PostRow> rows;
  std::set<std::int64_t> seen;
  for (const auto& k : cases) {
    if (!k.post || !seen.insert(k.post->id).second) continue;
    if (auto row = store::find_post(c, k.post->id)) rows.push_back(std::move(*row));
  }
  std::map<std::int64_t, PostView> views;
  for (auto& v : build_post_views(c, who, std::move(rows))) views.emplace(v.row.id, std::move(v));
  for (auto& k : cases) {
    if (!k.post) continue;
    const auto v = views.find(k.post->id);
    if (v == views.end()) continue;
    k.post->kind = v->second.row.kind;
    k.post->state = v->second.row.state;
    k.post->excerpt = v->second.show_text ? plain_excerpt(v->second.row.body, 160) : "";
  }
}

std::string next_state_body(std::string_view what, std::string_view text) {
  std::string body(what);
  if (!text.empty()) body.append(" ").append(text);
  return body;
}

}  // namespace

std::string case_due_at(store::Connection& c, std::int64_t network_id, SysTime now) {
  const auto minutes = std::chrono::minutes(store::find_safety_policy(c, network_id).case_response_minutes);
  if (office_status(c, network_id, now).open) return core::format_utc_ms(now + minutes);
  // Out of hours the case waits for the next shift: its clock starts when people are back.
  if (const auto opening = next_opening(c, network_id, now)) return core::format_utc_ms(*opening + minutes);
  return core::format_utc_ms(now + minutes);
}

CaseDetail CaseService::detail(store::Connection& c, const Principal* who, std::int64_t case_id, SysTime now) {
  auto row = store::find_case(c, case_id);
  if (!row) throw case_not_found();
  CaseDetail d;
  const auto network_id = row->network_id;
  const auto member_id = row->member_id;
  const auto post_id = row->post_id;
  d.summary = summary_of(std::move(*row), now);
  if (post_id) {
    if (auto post = store::find_post(c, *post_id)) {
      d.post = build_post_view(c, who, std::move(*post));
      d.summary.post->kind = d.post->row.kind;
      d.summary.post->state = d.post->row.state;
      d.summary.post->excerpt = d.post->show_text ? plain_excerpt(d.post->row.body, 160) : "";
    }
  }
  for (auto& e : store::list_case_events(c, case_id)) {
    CaseEvent ev;
    ev.id = e.id;
    if (e.author_id) ev.author = person(*e.author_id, e.author_pseudonym.value_or(""));
    ev.kind = std::move(e.kind);
    ev.body = std::move(e.body);
    ev.created_at = std::move(e.created_at);
    d.events.push_back(std::move(ev));
  }
  const auto since = core::format_utc_ms(now - std::chrono::hours(24) * kRecentCaseDays);
  d.member_recent_cases = store::count_member_cases_since(c, network_id, member_id, since, case_id);
  d.can_act = can(who, Capability::HandleRiskCases, network_id);
  d.can_close = d.can_act && who && holds_clinician_key(*who, network_id);
  return d;
}

CaseList CaseService::list(const Principal* who, std::string_view network_slug, std::optional<std::string> state,
                           std::optional<std::int64_t> before_id, SysTime now) {
  require_signed_in(who);
  const auto network_id = network_id_of(db_, network_slug);
  require_capability(who, Capability::Moderate, network_id);
  const std::string wanted = state.value_or("active");
  if (!is_list_state(wanted)) {
    throw AppError(ErrorKind::BadRequest, "invalid_query",
                   "'state' can be active, open, acknowledged, contacted or closed.");
  }
  return db_.read([&](store::Connection& c) {
    CaseList out;
    std::vector<store::CaseRow> rows;
    if (wanted == "closed") {
      rows = store::list_closed_cases(c, network_id, before_id.value_or(INT64_MAX), kClosedCasePageSize);
      if (static_cast<int>(rows.size()) == kClosedCasePageSize) out.next_before = rows.back().id;
    } else {
      rows = store::list_active_cases(c, network_id, wanted, core::format_utc_ms(now), kActiveCaseLimit);
    }
    for (auto& r : rows) out.cases.push_back(summary_of(std::move(r), now));
    link_posts(c, who, out.cases);
    return out;
  });
}

CaseDetail CaseService::change_case(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                                    const std::function<void(store::Connection&, const store::CaseRow&)>& step) {
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    // Read again inside the write: the case may have moved on since the caller's check.
    const auto cur = store::find_case(c, case_id);
    if (!cur) throw case_not_found();
    step(c, *cur);
  });
  return db_.read([&](store::Connection& c) { return detail(c, who, case_id, meta.now); });
}

CaseDetail CaseService::get(const Principal* who, const RequestMeta& meta, std::int64_t case_id) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::Moderate);
  // Reading a case is itself recorded: it holds what someone wrote at their worst moment.
  run_audited(db_, audit_written_, [&](store::Connection& c) {
    auto e = staff_audit_entry(*who, "case.view", meta, k->network_id, "case", std::to_string(case_id));
    append_audit(c, e, meta.now);
  });
  return db_.read([&](store::Connection& c) { return detail(c, who, case_id, meta.now); });
}

CaseDetail CaseService::open(const Principal* who, const RequestMeta& meta, std::string_view network_slug,
                             NewCaseInput input) {
  require_signed_in(who);
  const auto network_id = network_id_of(db_, network_slug);
  require_capability(who, Capability::Moderate, network_id);
  if (!is_tier(input.tier)) throw AppError(ErrorKind::BadRequest, "invalid_tier", "Choose a tier: concern or urgent.");
  const auto note = checked_note(input.note);
  // Clinicians open a case; anyone else on the team raises it to them.
  const bool escalation = !can(who, Capability::HandleRiskCases, network_id);
  const auto now = core::format_utc_ms(meta.now);

  const auto case_id = run_audited(db_, audit_written_, [&](store::Connection& c) {
    const auto role = store::active_role_in(c, input.member_id, network_id);
    if (!role || (*role != "member" && *role != "carer")) {
      throw AppError(ErrorKind::BadRequest, "invalid_member", "Choose a member of this network.");
    }
    if (input.post_id) {
      const auto post = store::find_post(c, *input.post_id);
      if (!post || post->network_id != network_id || post->author_id != input.member_id) {
        throw AppError(ErrorKind::BadRequest, "invalid_post", "That post is not one of this member's posts here.");
      }
    }
    store::NewCase k{network_id, input.member_id, input.post_id, input.tier, std::nullopt, now,
                     case_due_at(c, network_id, meta.now)};
    const auto id = store::insert_case(c, k);
    store::insert_case_event(c, id, who->user_id, "state", escalation ? "Raised for a clinician." : "Opened by hand.", now);
    store::insert_case_event(c, id, who->user_id, "note", note, now);
    auto e = staff_audit_entry(*who, escalation ? "case.escalate" : "case.open", meta, network_id, "case",
                               std::to_string(id));
    e.details = {{"tier", input.tier}, {"member_id", input.member_id}};
    if (input.post_id) e.details["post_id"] = *input.post_id;
    append_audit(c, e, meta.now);
    return id;
  });
  alert_opened(case_id);
  return db_.read([&](store::Connection& c) { return detail(c, who, case_id, meta.now); });
}

CaseDetail CaseService::acknowledge(const Principal* who, const RequestMeta& meta, std::int64_t case_id) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::HandleRiskCases);
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    if (cur.state != "open") throw invalid_transition(cur.state);
    store::CaseUpdate u{"acknowledged", cur.owner_id, cur.due_at, now, std::nullopt, std::nullopt};
    // The one who picks it up owns it, unless it already has an owner; only a clinician can own
    // a case (only they can close it).
    if (!u.owner_id && holds_clinician_key(*who, cur.network_id)) u.owner_id = who->user_id;
    if (!store::update_case(c, case_id, "open", u)) throw invalid_transition(cur.state);
    store::insert_case_event(c, case_id, who->user_id, "state", "Acknowledged.", now);
    auto e = staff_audit_entry(*who, "case.acknowledge", meta, cur.network_id, "case", std::to_string(case_id));
    e.details = {{"from", cur.state}, {"to", u.state}};
    append_audit(c, e, meta.now);
  });
}

CaseDetail CaseService::contacted(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                                  std::string_view raw_note) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::HandleRiskCases);
  const auto note = checked_case_text(raw_note, kCaseOutcomeMinChars, kCaseOutcomeMaxChars, "invalid_note",
                                      "Say how you made contact, in 3 to 2000 characters.");
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    if (cur.state != "acknowledged") throw invalid_transition(cur.state);
    store::CaseUpdate u{"contacted", cur.owner_id, cur.due_at, cur.acknowledged_at, std::nullopt, std::nullopt};
    if (!store::update_case(c, case_id, "acknowledged", u)) throw invalid_transition(cur.state);
    store::insert_case_event(c, case_id, who->user_id, "state", next_state_body("Contacted.", note), now);
    auto e = staff_audit_entry(*who, "case.contact", meta, cur.network_id, "case", std::to_string(case_id));
    e.details = {{"from", cur.state}, {"to", u.state}};
    append_audit(c, e, meta.now);
  });
}

CaseDetail CaseService::assign(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                               std::int64_t owner_id) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::HandleRiskCases);
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    if (cur.state == "closed") throw invalid_transition(cur.state);
    if (store::active_role_in(c, owner_id, cur.network_id) != std::optional<std::string>("clinician")) {
      throw AppError(ErrorKind::BadRequest, "invalid_owner", "Choose a clinician of this network.");
    }
    if (cur.owner_id == owner_id) return;  // nothing changes, nothing to record
    store::CaseUpdate u{cur.state, owner_id, cur.due_at, cur.acknowledged_at, cur.closed_at, cur.outcome};
    if (!store::update_case(c, case_id, cur.state, u)) throw invalid_transition(cur.state);
    const auto owner = store::find_case(c, case_id);
    store::insert_case_event(c, case_id, who->user_id, "owner",
                             "Assigned to " + (owner ? owner->owner_pseudonym.value_or("a clinician") : std::string("a clinician")) + ".",
                             now);
    auto e = staff_audit_entry(*who, "case.assign", meta, cur.network_id, "case", std::to_string(case_id));
    e.details = {{"owner_id", owner_id}};
    if (cur.owner_id) e.details["previous_owner_id"] = *cur.owner_id;
    append_audit(c, e, meta.now);
  });
}

CaseDetail CaseService::note(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                             std::string_view raw_body, bool handover) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::Moderate);
  const auto body = checked_note(raw_body);
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    store::insert_case_event(c, case_id, who->user_id, handover ? "handover" : "note", body, now);
    auto e = staff_audit_entry(*who, "case.note", meta, cur.network_id, "case", std::to_string(case_id));
    e.details = {{"handover", handover}};
    append_audit(c, e, meta.now);
  });
}

CaseDetail CaseService::close(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                              std::string_view raw_outcome) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::HandleRiskCases);
  if (!holds_clinician_key(*who, k->network_id)) {
    throw AppError(ErrorKind::Forbidden, "not_allowed", "Only clinicians can close a risk case.");
  }
  const auto outcome = checked_outcome(raw_outcome);
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    // Somebody has to have picked it up first: an open case is nobody's yet.
    if (cur.state != "acknowledged" && cur.state != "contacted") throw invalid_transition(cur.state);
    store::CaseUpdate u{"closed", cur.owner_id ? cur.owner_id : std::optional<std::int64_t>(who->user_id), cur.due_at,
                        cur.acknowledged_at, now, outcome};
    if (!store::update_case(c, case_id, cur.state, u)) throw invalid_transition(cur.state);
    store::insert_case_event(c, case_id, who->user_id, "state", next_state_body("Closed. Outcome:", outcome), now);
    auto e = staff_audit_entry(*who, "case.close", meta, cur.network_id, "case", std::to_string(case_id));
    e.details = {{"from", cur.state}, {"to", u.state}};
    append_audit(c, e, meta.now);
  });
}

CaseDetail CaseService::reopen(const Principal* who, const RequestMeta& meta, std::int64_t case_id,
                               std::string_view raw_reason) {
  const auto k = db_.read([&](store::Connection& c) { return store::find_case(c, case_id); });
  require_case_access(who, k, Capability::HandleRiskCases);
  const auto reason = checked_staff_reason(raw_reason);
  const auto now = core::format_utc_ms(meta.now);
  return change_case(who, meta, case_id, [&](store::Connection& c, const store::CaseRow& cur) {
    if (cur.state != "closed") throw invalid_transition(cur.state);
    // A reopened case needs answering again, with a fresh deadline; the old outcome stays in the
    // timeline.
    store::CaseUpdate u{"open", cur.owner_id, case_due_at(c, cur.network_id, meta.now), std::nullopt, std::nullopt,
                        std::nullopt};
    if (!store::update_case(c, case_id, "closed", u)) throw invalid_transition(cur.state);
    store::insert_case_event(c, case_id, who->user_id, "state", next_state_body("Reopened. Reason:", reason), now);
    auto e = staff_audit_entry(*who, "case.reopen", meta, cur.network_id, "case", std::to_string(case_id));
    e.reason = reason;
    e.details = {{"from", cur.state}, {"to", u.state}};
    append_audit(c, e, meta.now);
  });
}

void CaseService::alert_opened(std::int64_t case_id) noexcept {
  try {
    const auto now = clock_.system_now();
    struct Alert {
      std::int64_t network_id = 0;
      std::string text;
      std::vector<std::int64_t> clinicians;
    };
    // Read everything first, publish after: the reader is not held while subscribers are called.
    const auto alert = db_.read([&](store::Connection& c) -> std::optional<Alert> {
      const auto k = store::find_case(c, case_id);
      if (!k) return std::nullopt;
      Alert a;
      a.network_id = k->network_id;
      const json event = {{"type", "case_opened"},
                          {"case",
                           {{"id", k->id},
                            {"network", k->network_slug},
                            {"tier", k->tier},
                            {"opened_at", k->opened_at},
                            {"due_at", k->due_at},
                            {"member", {{"id", k->member_id}, {"pseudonym", k->member_pseudonym}}}}}};
      a.text = event.dump(-1, ' ', false, json::error_handler_t::replace);
      for (const auto id : on_shift_user_ids(c, k->network_id, now)) {
        if (store::active_role_in(c, id, k->network_id) == std::optional<std::string>("clinician")) {
          a.clinicians.push_back(id);
        }
      }
      return a;
    });
    if (!alert) return;
    const auto payload = live::make_payload(alert->text);
    hub_.publish("staff:" + std::to_string(alert->network_id), payload);
    for (const auto id : alert->clinicians) hub_.publish("user:" + std::to_string(id), payload);
  } catch (const std::exception& e) {
    try {
      core::log::error("case_alert_failed", {{"case_id", case_id}, {"error", e.what()}});
    } catch (...) {
    }
  } catch (...) {
    try {
      core::log::error("case_alert_failed", {{"case_id", case_id}});
    } catch (...) {
    }
  }
}

}  // namespace harbour::services

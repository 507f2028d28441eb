#include "services/staff_action.hpp"

#include "core/app_error.hpp"
#include "services/audit_log.hpp"
#include "services/content_rules.hpp"
#include "services/ip_ref.hpp"

#include <algorithm>

namespace harbour::services {

std::string checked_staff_reason(std::string_view raw) {
  const auto first = raw.find_first_not_of(" \t\r\n");
  const auto last = raw.find_last_not_of(" \t\r\n");
  const std::string_view reason = first == std::string_view::npos ? std::string_view() : raw.substr(first, last - first + 1);
  const bool control = std::any_of(reason.begin(), reason.end(), [](char ch) {
    const auto b = static_cast<unsigned char>(ch);
    return (b < 0x20 && b != '\n' && b != '\t') || b == 0x7f;
  });
  const auto n = code_point_count(reason);
  // It must also fit the audit row that keeps it.
  if (control || n < kReasonMinChars || n > kReasonMaxChars || reason.size() > kAuditReasonMaxBytes) {
    throw core::AppError(core::ErrorKind::BadRequest, "invalid_reason",
                         "Give a reason of 3 to 500 characters. It is kept in the audit log.");
  }
  return std::string(reason);
}

AuditEntry staff_audit_entry(const Principal& who, std::string action, const RequestMeta& meta,
                             std::optional<std::int64_t> network_id, std::string target_type, std::string target_id) {
  AuditEntry e;
  e.actor_id = who.user_id;
  e.actor_role = who.audit_role(network_id);
  e.action = std::move(action);
  e.target_type = std::move(target_type);
  e.target_id = std::move(target_id);
  e.network_id = network_id;
  e.session_hash = who.session_ref;
  e.ip_hash = audit_ip_ref(meta.ip);
  return e;
}

}  // namespace harbour::services
